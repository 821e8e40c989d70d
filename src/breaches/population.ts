import { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { toRegisterCategories, type CategoryMap } from './category-map.js';
import { breachIdOf, parseInput, loadBreach, recordStaffAction, requireDb, type BreachActor, type BreachDeps, type Executor } from './breach-store.js';

/** Each person's follow-up, from identification to closure (docs/incidents.md, C: 30,000 families, 90 answers owed). */
export const personStatuses = ['identified', 'to-inform', 'informed', 'answered', 'remedied', 'regressed', 'closed'] as const;
export type PersonStatus = (typeof personStatuses)[number];

const personRef = z.string().trim().min(1, 'must not be empty').max(200).regex(/^[^\s,;"]+$/, 'must be an identifier without spaces, commas, semicolons or quotes');
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset or Z' });

export const personInput = z.object({
  ref: personRef,
  status: z.enum(personStatuses).default('identified'),
  dueAt: instant.nullable().default(null),
  notes: z.string().trim().max(2000).nullable().default(null),
  /** What of theirs was exposed (data categories) and when (from an exposure snapshot). */
  exposed: z.array(z.string().max(100)).max(50).nullable().default(null),
  firstAt: instant.nullable().default(null),
  lastAt: instant.nullable().default(null),
});
export type PersonInput = z.input<typeof personInput>;

export const populationSource = z.string().regex(/^(snapshot:[A-Za-z0-9_-]{1,100}|csv|manual)$/, "must be 'snapshot:<id>', 'csv' or 'manual'");

const chunkSize = 1000;

/**
 * Checks people as the register stores them, all or none; errors name each person's field. What of theirs was
 * exposed is kept in the register's data categories: a name the category map knows (a service's own, such as
 * `identity`) is put in the register's words; one it does not know is refused, so no draft meets a code it
 * cannot name.
 */
export function parsePeople(people: PersonInput[], map: CategoryMap): z.output<typeof personInput>[] {
  const errors: { path: string; message: string }[] = [];
  const parsed = people.map((person, index) => {
    const result = personInput.safeParse(person);
    if (!result.success) {
      for (const issue of result.error.issues) errors.push({ path: `people.${index}.${issue.path.join('.')}`, message: issue.message });
      return result.data;
    }
    const exposed = result.data.exposed;
    if (!exposed) return result.data;
    const { codes, unmapped } = toRegisterCategories(map, exposed);
    for (const name of unmapped) {
      errors.push({ path: `people.${index}.exposed`, message: `"${name}" is neither a register data category nor in the category map (VIGIE_CATEGORY_MAP)` });
    }
    return { ...result.data, exposed: codes };
  });
  if (errors.length > 0) throw new ValidationError(errors.slice(0, 100));
  return parsed as z.output<typeof personInput>[];
}

/**
 * Adds people to a breach's population, all or none. A person already there is not counted twice: their
 * exposure is widened (earliest first time, latest last time) and their status kept. This is the door
 * exposure snapshots (issue 5), CSV imports and one-by-one additions all go through.
 */
export async function addPopulation(deps: BreachDeps, breachId: string, people: PersonInput[], source: string, actor: BreachActor) {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const sourceCheck = populationSource.safeParse(source);
  if (!sourceCheck.success) throw new ValidationError([{ path: 'source', message: sourceCheck.error.issues[0]?.message ?? 'is invalid' }]);
  const valid = dedupe(parsePeople(people, deps.config.categoryMap));
  const now = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    await loadBreach(trx, id, { forUpdate: true });
    return insertPopulation(trx, id, valid, source, actor, now);
  });
}

/** The insertion itself, in the caller's transaction (attaching a snapshot adds its event in the same one). */
export async function insertPopulation(trx: Executor, id: string, valid: z.output<typeof personInput>[], source: string, actor: BreachActor, now: Date) {
  let added = 0;
  for (let i = 0; i < valid.length; i += chunkSize) {
    const rows = valid.slice(i, i + chunkSize).map((p) => ({
      breach_id: id,
      person_ref: p.ref,
      status: p.status,
      due_at: p.dueAt ? new Date(p.dueAt) : null,
      notes: p.notes,
      exposed: p.exposed ? JSON.stringify(p.exposed) : null,
      first_at: p.firstAt ? new Date(p.firstAt) : null,
      last_at: p.lastAt ? new Date(p.lastAt) : null,
      source,
      added_at: now,
      updated_at: now,
    }));
    const inserted = await trx
      .insertInto('breach_person')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['breach_id', 'person_ref']).doUpdateSet({
          first_at: sql`least(breach_person.first_at, excluded.first_at)`,
          last_at: sql`greatest(breach_person.last_at, excluded.last_at)`,
          exposed: sql`coalesce(excluded.exposed, breach_person.exposed)`,
          updated_at: now,
        }),
      )
      // xmax = 0 only for rows this statement inserted (not updated): only they get an "added" history line.
      .returning(['person_ref', 'status', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute();
    const fresh = inserted.filter((row) => row.inserted);
    added += fresh.length;
    if (fresh.length > 0) {
      await trx
        .insertInto('breach_person_event')
        .values(fresh.map((row) => ({ breach_id: id, person_ref: row.person_ref, at: now, actor: actor.subject, from_status: null, to_status: row.status, reason: `added (${source})`, source })))
        .execute();
    }
  }
  await recordStaffAction(trx, actor, 'breach.population.add', id, `${added} added, ${valid.length - added} already there (${source})`, now);
  return { received: valid.length, added, alreadyThere: valid.length - added };
}

function dedupe<T extends { ref: string }>(people: T[]): T[] {
  const byRef = new Map<string, T>();
  for (const person of people) byRef.set(person.ref, person);
  return [...byRef.values()];
}

export const personChangeBody = z
  .object({
    status: z.enum(personStatuses).optional(),
    dueAt: instant.nullable().optional(),
    notes: z.string().trim().max(2000).nullable().optional(),
    reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(2000),
    /** Refuse the change if someone moved the person on meanwhile. */
    expectedStatus: z.enum(personStatuses).optional(),
  })
  .openapi('ChangePerson');
export type PersonChange = z.input<typeof personChangeBody>;

/** Changes one person's follow-up; the row lock makes concurrent changes queue, each kept in the history. */
export async function changePerson(deps: BreachDeps, breachId: string, ref: string, input: PersonChange, actor: BreachActor) {
  const body = parseInput(personChangeBody, input);
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const now = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('breach_person').selectAll().where('breach_id', '=', id).where('person_ref', '=', ref).forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError(`No such person in breach ${id}`);
    if (body.expectedStatus && body.expectedStatus !== row.status) {
      throw new ValidationError([{ path: 'expectedStatus', message: `the person is now "${row.status}"` }]);
    }
    const status = body.status ?? row.status;
    await trx
      .updateTable('breach_person')
      .set({
        status,
        ...(body.dueAt !== undefined ? { due_at: body.dueAt ? new Date(body.dueAt) : null } : {}),
        ...(body.notes !== undefined ? { notes: body.notes } : {}),
        updated_at: now,
      })
      .where('breach_id', '=', id)
      .where('person_ref', '=', ref)
      .execute();
    await trx
      .insertInto('breach_person_event')
      .values({ breach_id: id, person_ref: ref, at: now, actor: actor.subject, from_status: row.status, to_status: status, reason: body.reason, source: 'manual' })
      .execute();
    return { ref, from: row.status, status };
  });
}

export interface PopulationCounts {
  total: number;
  byStatus: Record<PersonStatus, number>;
  /** Where the people came from: the access log (exposure snapshots), a CSV import, or one by one by hand. */
  bySource: { accessLog: number; csv: number; manual: number };
  /** People whose due date has passed while they are not answered, remedied or closed. */
  overdue: number;
}

/** Counts by status and source, read from the committed rows themselves: exact at any moment, never a kept tally. */
export async function countPopulation(db: Executor, breachId: string, now: Date): Promise<PopulationCounts> {
  const origin = sql<string>`case when source like 'snapshot:%' then 'accessLog' else source end`;
  const rows = await db
    .selectFrom('breach_person')
    .select(['status', origin.as('origin'), sql<string>`count(*)`.as('n'), sql<string>`count(*) filter (where due_at < ${now} and status not in ('answered', 'remedied', 'closed'))`.as('late')])
    .where('breach_id', '=', breachId)
    .groupBy(['status', origin])
    .execute();
  const byStatus = Object.fromEntries(personStatuses.map((s) => [s, 0])) as Record<PersonStatus, number>;
  const bySource = { accessLog: 0, csv: 0, manual: 0 };
  let total = 0;
  let overdue = 0;
  for (const row of rows) {
    const n = Number(row.n);
    byStatus[row.status as PersonStatus] += n;
    if (row.origin in bySource) bySource[row.origin as keyof typeof bySource] += n;
    total += n;
    overdue += Number(row.late);
  }
  return { total, byStatus, bySource, overdue };
}

export async function listPeople(db: Db, breachId: string, options: { status?: PersonStatus | undefined; limit: number; offset: number; overdueAt?: Date | undefined }) {
  let query = db.selectFrom('breach_person').selectAll().where('breach_id', '=', breachId);
  if (options.status) query = query.where('status', '=', options.status);
  // Overdue as countPopulation counts it: the due date has passed and the person is not answered, remedied or closed.
  if (options.overdueAt) query = query.where('due_at', '<', options.overdueAt).where('status', 'not in', ['answered', 'remedied', 'closed']);
  return query.orderBy('person_ref').limit(options.limit).offset(options.offset).execute();
}

export async function personHistory(db: Db, breachId: string, ref: string) {
  return db.selectFrom('breach_person_event').selectAll().where('breach_id', '=', breachId).where('person_ref', '=', ref).orderBy('id').execute();
}
