import { ConflictError, ValidationError } from '../http/errors.js';
import { checkFacts, emptyFacts, type BreachFacts, type EditBreachInput, type OpenBreachInput } from './breach-facts.js';
import {
  breachIdOf,
  diff,
  factsOf,
  loadBreach,
  recordStaffAction,
  requireDb,
  stripTitle,
  writeRevision,
  type BreachActor,
  type BreachDeps,
} from './breach-store.js';

const fieldErrors = (errors: { path: string; message: string }[]) => new ValidationError(errors);

/**
 * Opens a breach in the register. Little may be known yet (early phases): only a title is required, the
 * register then lists what each next step still needs. Revision 1 holds every fact given at opening.
 */
export async function openBreach(deps: BreachDeps, input: OpenBreachInput, actor: BreachActor): Promise<{ id: string; version: number }> {
  const db = requireDb(deps);
  const { reason, ...given } = input;
  const facts: BreachFacts = { ...emptyFacts, ...given };
  const errors = checkFacts(facts);
  if (errors.length > 0) throw fieldErrors(errors);
  const at = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('breach')
      .values({
        title: facts.title,
        status: 'open',
        version: 1,
        facts: JSON.stringify(stripTitle(facts)),
        aware_at: facts.awareAt ? new Date(facts.awareAt) : null,
        created_at: at,
        created_by: actor.subject,
        updated_at: at,
        updated_by: actor.subject,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const changes = diff({ ...emptyFacts, title: null }, facts);
    const why = reason ?? 'breach opened';
    await trx
      .insertInto('breach_revision')
      .values({ breach_id: row.id, version: 1, at, actor: actor.subject, action: 'open', reason: why, changes: JSON.stringify(changes) })
      .execute();
    await recordStaffAction(trx, actor, 'breach.open', row.id, why, at);
    return { id: row.id, version: 1 };
  });
}

/**
 * Changes facts of a breach. The whole record is checked after the change; an invalid change, or one
 * made on a version the editor has not seen, changes nothing. A change that changes nothing is not a revision.
 */
export async function editBreach(
  deps: BreachDeps,
  breachId: string,
  input: EditBreachInput,
  actor: BreachActor,
): Promise<{ id: string; version: number; changes: number }> {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const at = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    const row = await loadBreach(trx, id, { forUpdate: true });
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
      throw new ConflictError(`Breach ${id} is at version ${row.version}, not ${input.expectedVersion}: read it again before changing it`);
    }
    const before = factsOf(row);
    const after: BreachFacts = { ...before, ...input.changes };
    const errors = checkFacts(after);
    if (errors.length > 0) throw fieldErrors(errors.map((e) => ({ ...e, path: `changes.${e.path}` })));
    const changes = diff(before, after);
    if (changes.length === 0) return { id, version: row.version, changes: 0 };
    const version = await writeRevision(trx, row, { facts: after }, { action: 'edit', reason: input.reason, changes, actor, at });
    return { id, version, changes: changes.length };
  });
}
