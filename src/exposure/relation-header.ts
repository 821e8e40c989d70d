import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { FieldError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { readRelation, upsertEntitlements, type Relation } from './relations.js';

/**
 * Relations declared by the origin on its own responses (docs/exposure.md, "Entitlements"):
 *
 *   Vigie-Relations: principal=P1; subject=C1; from=2019-09-01T00:00:00Z; kind=employment,
 *                    principal=C1; subject=P1; from=2019-09-01T00:00:00Z; to=2020-03-01T00:00:00Z
 *
 * Items are separated by commas, fields by semicolons; `from` is required (a relation is keyed by its
 * start), `to` and `kind` are optional; dates are ISO instants or local wall time in VIGIE_TIMEZONE.
 * Identifiers cannot contain `,` `;` or `=` here (the API and CSV import have no such limit).
 */
export function parseRelationsHeader(value: string, zone: string): { relations: Relation[]; bad: number } {
  const relations: Relation[] = [];
  let bad = 0;
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    const fields = new Map<string, string>();
    for (const field of item.split(';')) {
      const at = field.indexOf('=');
      if (at > 0) fields.set(field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim());
    }
    const errors: FieldError[] = [];
    const relation = readRelation(
      { principal: fields.get('principal') ?? '', subject: fields.get('subject') ?? '', validFrom: fields.get('from') ?? '', validTo: fields.get('to'), kind: fields.get('kind') },
      zone,
      'header',
      errors,
    );
    if (relation) relations.push(relation);
    else bad++;
    if (relations.length + bad >= 100) break; // a response declares its own page's relations, not a directory
  }
  return { relations, bad };
}

export interface RelationDeclarations {
  /**
   * Stores what the header declares before the response's record is written (so that live detection,
   * which checks the record after its commit, sees the relation). Undefined when everything declared was
   * stored already: the request then waits for nothing. Never rejects: a failure is logged (counts only)
   * and costs at worst a false alert, never a leak.
   */
  declare(value: string): Promise<void> | undefined;
}

const key = (r: Relation) => `${r.principal}\u0000${r.subject}\u0000${r.validFrom.getTime()}\u0000${r.validTo?.getTime() ?? ''}\u0000${r.kind ?? ''}`;

/** The origin says the same relations on every page view: each is written once, then remembered. */
export function createRelationDeclarations(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  zone: string;
  /** Longest a response waits for its relations (the access log's bound): never a hang, at worst a false alert. */
  waitMs?: number;
  remember?: number;
}): RelationDeclarations {
  const remember = deps.remember ?? 100_000;
  const waitMs = deps.waitMs ?? 2_000;
  const stored = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  const actor = { subject: 'origin', roles: ['service'], reason: 'declared on a response (Vigie-Relations)' };

  async function store(relations: Relation[], keys: string[]): Promise<void> {
    try {
      await upsertEntitlements({ db: deps.db, clock: deps.clock }, { relations, roles: [], source: 'origin-header' }, actor);
      for (const k of keys) {
        if (stored.size >= remember) stored.delete(stored.values().next().value!); // oldest first
        stored.add(k);
      }
    } catch {
      deps.logger.error('relations declared by the origin could not be stored', { relations: relations.length });
    } finally {
      for (const k of keys) inFlight.delete(k);
    }
  }

  return {
    declare(value) {
      const { relations, bad } = parseRelationsHeader(value, deps.zone);
      if (bad > 0) deps.logger.warn('the origin declared malformed relations; they were ignored', { bad });
      const waits: Promise<void>[] = [];
      const fresh: Relation[] = [];
      const keys: string[] = [];
      for (const relation of relations) {
        const k = key(relation);
        if (stored.has(k)) continue;
        const pending = inFlight.get(k);
        if (pending) waits.push(pending);
        else if (!keys.includes(k)) {
          fresh.push(relation);
          keys.push(k);
        }
      }
      if (fresh.length > 0) {
        const writing = store(fresh, keys);
        for (const k of keys) inFlight.set(k, writing);
        waits.push(writing);
      }
      if (waits.length === 0) return undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
      return Promise.race([Promise.all(waits).then(() => undefined), bound]).finally(() => clearTimeout(timer));
    },
  };
}
