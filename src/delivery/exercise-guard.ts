import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Outcome } from './queue.js';
import type { DeliveryMessage } from '../db/tables/delivery-message.js';

/** Why a drill's message stayed home: recorded as its failure reason, so the campaign's view says it. */
export const exerciseReason = 'exercise: not sent (the breach is a drill)';

/**
 * The campaigns among these whose breach is a drill (a playbook run started as an exercise, src/playbooks).
 * Asked on the send path itself — every round, every letter export — so that no message of a drill leaves,
 * whichever way the campaign was made or started.
 */
export async function drillCampaigns(db: Db, campaignIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(campaignIds)];
  if (ids.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select c.id from delivery_campaign c
    where c.id = any(${ids}::text[])
      and exists (select 1 from playbook_run r where r.exercise and r.breach_id::text = c.breach_id)`.execute(db);
  return new Set(rows.map((row) => row.id));
}

/** Splits claimed messages: those that may go to the transport, and a drill's, answered here as never sent. */
export async function holdDrillMessages(db: Db, claimed: DeliveryMessage[]): Promise<{ send: DeliveryMessage[]; held: Outcome[] }> {
  const drills = await drillCampaigns(db, claimed.map((m) => m.campaign_id));
  if (drills.size === 0) return { send: claimed, held: [] };
  return {
    send: claimed.filter((m) => !drills.has(m.campaign_id)),
    held: claimed.filter((m) => drills.has(m.campaign_id)).map((message) => ({ message, outcome: { status: 'permanent', reason: exerciseReason } })),
  };
}
