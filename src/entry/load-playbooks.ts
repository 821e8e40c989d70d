import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { checkPlaybookFiles, type PlaybookFiles } from '../playbooks/catalog.js';
import { formatProblem } from '../playbooks/parse-playbook.js';

/** The .yaml/.yml files of a directory (not its sub-directories), by name; the core never reads files (Workers have none). */
export async function readPlaybookDir(dir: string, unreadable = 'configuration error: VIGIE_PLAYBOOKS_DIR is not a readable directory'): Promise<PlaybookFiles> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new ConfigError(unreadable);
  }
  const files: PlaybookFiles = {};
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files[entry.name] = await readFile(join(dir, entry.name), 'utf8');
  }
  return files;
}

/**
 * An organisation's playbooks (VIGIE_PLAYBOOKS_DIR), read once at start by `vigie serve` and the CLI. A file
 * with a problem stops start-up with every problem's file, line and reason, as `vigie playbook check` gives them.
 */
export async function loadPlaybookOverrides(dir: string): Promise<PlaybookFiles> {
  const files = await readPlaybookDir(dir);
  const { problems } = checkPlaybookFiles(files);
  if (problems.length > 0) throw new ConfigError(`configuration error: VIGIE_PLAYBOOKS_DIR:\n${problems.map(formatProblem).join('\n')}`);
  return files;
}
