import type { Db } from '../db/database.js';

/** Who did something, and why: every action by a person records it (docs/architecture.md). */
export interface Actor {
  subject: string;
  roles: string[];
  reason: string;
  requestId?: string | undefined;
}

/** Vigie acting on its own (live detection, the circuit breaker). */
export const vigieActor = (reason: string): Actor => ({ subject: 'vigie', roles: ['system'], reason });

export async function recordAction(db: Db, actor: Actor, action: string, target: string | null, at: Date): Promise<void> {
  await db
    .insertInto('staff_action')
    .values({ at, actor: actor.subject, roles: actor.roles, action, target, reason: actor.reason, request_id: actor.requestId ?? null })
    .execute();
}
