import type { Db } from '../db/database.js';
import type { Actor } from './context.js';

type Executor = Pick<Db, 'insertInto'>;

/** Every action by a person records who, when and why (docs/architecture.md); delivery writes it to staff_action. */
export async function recordAction(db: Executor, actor: Actor, at: Date, action: string, target: string, reason: string): Promise<void> {
  await db
    .insertInto('staff_action')
    .values({ at, actor: actor.subject, roles: actor.roles, action, target, reason, request_id: actor.requestId ?? null })
    .execute();
}
