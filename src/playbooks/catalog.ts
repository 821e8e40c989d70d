import type { AppDeps } from '../deps.js';
import { NotFoundError } from '../http/errors.js';
import { bundledPlaybooks } from './bundled.generated.js';
import { parsePlaybook, type PlaybookProblem } from './parse-playbook.js';
import type { Playbook } from './playbook-schema.js';

import type { PlaybookFiles } from './playbook-files.js';

export type { PlaybookFiles } from './playbook-files.js';

export interface CatalogEntry {
  playbook: Playbook;
  file: string;
  origin: 'bundled' | 'organisation';
}

export interface PlaybookCatalog {
  entries: Map<string, CatalogEntry>;
  problems: PlaybookProblem[];
}

/** Checks every file and reports every problem (`vigie playbook check DIR`); ids must be unique within the set. */
export function checkPlaybookFiles(files: PlaybookFiles): { playbooks: { playbook: Playbook; file: string }[]; problems: PlaybookProblem[] } {
  const playbooks: { playbook: Playbook; file: string }[] = [];
  const problems: PlaybookProblem[] = [];
  const seen = new Map<string, string>();
  for (const [file, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parsePlaybook(file, text);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const first = seen.get(parsed.playbook.id);
    if (first) {
      problems.push({ file, line: 1, column: 1, path: 'id', reason: `playbook id "${parsed.playbook.id}" is already used by ${first}` });
      continue;
    }
    seen.set(parsed.playbook.id, file);
    playbooks.push({ playbook: parsed.playbook, file });
  }
  return { playbooks, problems };
}

/**
 * The bundled playbooks, each replaced by an organisation's playbook of the same id and completed by its
 * others. The Node entry refuses to start when an organisation's file has a problem; the bundled files
 * are checked by the tests.
 */
export function buildCatalog(organisation: PlaybookFiles = {}, bundled: PlaybookFiles = bundledPlaybooks): PlaybookCatalog {
  const entries = new Map<string, CatalogEntry>();
  const own = checkPlaybookFiles(bundled);
  for (const { playbook, file } of own.playbooks) entries.set(playbook.id, { playbook, file, origin: 'bundled' });
  const theirs = checkPlaybookFiles(organisation);
  for (const { playbook, file } of theirs.playbooks) entries.set(playbook.id, { playbook, file, origin: 'organisation' });
  return { entries, problems: [...own.problems, ...theirs.problems] };
}

const catalogs = new WeakMap<object, PlaybookCatalog>();
const bundledOnly = {};

/** The app's catalog, parsed once per set of organisation files. */
export function catalogOf(deps: Pick<AppDeps, 'playbooks'>): PlaybookCatalog {
  const key = deps.playbooks ?? bundledOnly;
  let catalog = catalogs.get(key);
  if (!catalog) {
    catalog = buildCatalog(deps.playbooks);
    catalogs.set(key, catalog);
  }
  return catalog;
}

export function findPlaybook(catalog: PlaybookCatalog, id: string): CatalogEntry {
  const entry = catalog.entries.get(id);
  if (!entry) throw new NotFoundError(`No playbook "${id}"`);
  return entry;
}
