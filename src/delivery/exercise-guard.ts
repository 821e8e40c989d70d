import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { DeliveryMessage } from '../db/tables/delivery-message.js';

/** Why a drill's message stayed home: kept as its reason, so the campaign's view says it. */
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

/**
 * Keeps a drill's claimed messages from the transport: they are cancelled, with the reason, in one statement
 * (cancelled rather than failed, so that neither the anomaly monitor nor the people's follow-up reads a drill
 * as a carrier failing real people). Returns the messages that may go.
 */
export async function holdDrillMessages(db: Db, claimed: DeliveryMessage[], now: Date): Promise<DeliveryMessage[]> {
  const drills = await drillCampaigns(db, claimed.map((m) => m.campaign_id));
  if (drills.size === 0) return claimed;
  const held = claimed.filter((m) => drills.has(m.campaign_id)).map((m) => String(m.id));
  await db
    .updateTable('delivery_message')
    .set({ state: 'cancelled', cancelled_at: now, lease_until: null, failure_reason: exerciseReason })
    .where('id', 'in', held)
    .where('state', '=', 'sending')
    .execute();
  return claimed.filter((m) => !drills.has(m.campaign_id));
}
