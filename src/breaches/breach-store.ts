import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { AppDeps } from '../deps.js';
import type { Database, Db } from '../db/database.js';
import type { BreachRow } from '../db/tables/breach.js';
import { NotFoundError, UnavailableError, ValidationError } from '../http/errors.js';
import { emptyFacts, type BreachFacts } from './breach-facts.js';

export type BreachDeps = Pick<AppDeps, 'db' | 'clock' | 'config'>;
export type Executor = Db | Transaction<Database>;

/** Who acts on the register, and why (docs/architecture.md: every action by a person records who, when, why). */
export interface BreachActor {
  subject: string;
  roles: readonly string[];
  requestId?: string | undefined;
}

export function requireDb(deps: Pick<AppDeps, 'db'>): Db {
  if (!deps.db) throw new UnavailableError('No database is configured', 5);
  return deps.db;
}

/** Breach ids are positive integers; anything else is a field error, not a database error. */
export function breachIdOf(value: string | number, path = 'id'): string {
  const text = String(value).trim();
  if (!/^[1-9]\d{0,17}$/.test(text)) throw new ValidationError([{ path, message: 'must be a positive whole number' }]);
  return text;
}

/** Parses input with a schema; a failure is a field error naming each field (as the API's hook does). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
  return result.data;
}

export async function loadBreach(db: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<BreachRow> {
  let query = db.selectFrom('breach').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new NotFoundError(`No breach ${id}`);
  return row;
}

/** The stored facts, completed with today's defaults (a field added later reads as unknown). */
export function factsOf(row: BreachRow): BreachFacts {
  return { ...emptyFacts, ...(row.facts as Partial<BreachFacts>), title: row.title };
}

export interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

/** Field-by-field differences, compared as JSON (dates are ISO strings in facts). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Change[] {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: Change[] = [];
  for (const field of fields) {
    const a = before[field] ?? null;
    const b = after[field] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field, before: a, after: b });
  }
  return changes;
}

/** Writes the new state and its revision in the caller's transaction; the version moves by one. */
export async function writeRevision(
  trx: Transaction<Database>,
  row: BreachRow,
  update: { facts?: BreachFacts; status?: BreachRow['status'] },
  revision: { action: string; reason: string; changes: Change[]; actor: BreachActor; at: Date },
): Promise<number> {
  const version = row.version + 1;
  const facts = update.facts;
  await trx
    .updateTable('breach')
    .set({
      ...(facts ? { facts: JSON.stringify(stripTitle(facts)), title: facts.title, aware_at: facts.awareAt ? new Date(facts.awareAt) : null } : {}),
      ...(update.status ? { status: update.status } : {}),
      version,
      updated_at: revision.at,
      updated_by: revision.actor.subject,
    })
    .where('id', '=', row.id)
    .execute();
  await trx
    .insertInto('breach_revision')
    .values({
      breach_id: row.id,
      version,
      at: revision.at,
      actor: revision.actor.subject,
      action: revision.action,
      reason: revision.reason,
      changes: JSON.stringify(revision.changes),
    })
    .execute();
  await recordStaffAction(trx, revision.actor, `breach.${revision.action}`, row.id, revision.reason, revision.at);
  return version;
}

export function stripTitle(facts: BreachFacts): Omit<BreachFacts, 'title'> {
  const { title: _title, ...rest } = facts;
  return rest;
}

export async function recordStaffAction(db: Executor, actor: BreachActor, action: string, breachId: string, reason: string, at: Date): Promise<void> {
  await db
    .insertInto('staff_action')
    .values({ at, actor: actor.subject, roles: [...actor.roles], action, target: `breach:${breachId}`, reason, request_id: actor.requestId ?? null })
    .execute();
}
