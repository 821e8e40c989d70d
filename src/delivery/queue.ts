import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { DeliveryMessage } from '../db/tables/delivery-message.js';
import { reportedCarrier } from './carrier.js';
import { receiptChannels } from './channels.js';
import type { DeliveryContext, DeliverySettings } from './context.js';
import { evidenceOf, reportOutcomes } from './follow-up.js';
import type { DeliveryChannel } from './ports.js';
import { applyEarlyReports } from './reports.js';
import type { SendOutcome } from './transport.js';

/**
 * Claims up to `limit` due messages of running campaigns for one provider. `FOR UPDATE SKIP LOCKED`
 * lets any number of instances claim at once without waiting on or taking each other's rows; the claim
 * moves them to `sending` with a lease, in the same statement.
 */
export async function claimMessages(db: Db, provider: string, limit: number, now: Date, leaseMs: number): Promise<DeliveryMessage[]> {
  if (limit <= 0) return [];
  const { rows } = await sql<DeliveryMessage>`
    with picked as (
      select m.id from delivery_message m
      where m.state = 'queued' and m.provider = ${provider} and m.next_attempt_at <= ${now}
        and exists (select 1 from delivery_campaign c where c.id = m.campaign_id and c.status = 'running')
      order by m.next_attempt_at, m.id
      limit ${limit}
      for update of m skip locked
    )
    update delivery_message d
    set state = 'sending', sending_at = ${now}, lease_until = ${new Date(now.getTime() + leaseMs)}, attempts = d.attempts + 1
    from picked where d.id = picked.id
    returning d.*`.execute(db);
  return rows;
}

export interface Outcome {
  message: DeliveryMessage;
  outcome: SendOutcome;
}

/** Exponential backoff with full jitter, capped: 30 s, 1 min, 2 min … (settings). */
export function backoffMs(attempt: number, settings: Pick<DeliverySettings, 'backoffBaseMs' | 'backoffMaxMs'>, random = Math.random): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Records what the provider said for a batch, in one statement. Only rows still `sending` change state:
 * a receipt may already have moved a fast message to delivered, in which case only `sent_at` and the
 * provider id are filled in. A network named in the provider's answer (its portability lookup) replaces the
 * numbering plan's guess. Then: the people whose message failed for good (refused, 5xx, retries exhausted)
 * are reported to the register as still to inform, and receipts that arrived before this answer are applied.
 */
// Rows are locked in id order (here and in reports.ts): outcomes and receipts update overlapping rows at the
// same time, and one lock order makes them wait for each other instead of deadlocking.
export async function recordOutcomes(ctx: DeliveryContext, provider: string, outcomes: Outcome[], now: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const settings = ctx.settings;
  const ids: string[] = [];
  const states: string[] = [];
  const providerIds: (string | null)[] = [];
  const carriers: (string | null)[] = [];
  const reasons: (string | null)[] = [];
  const nextAttempts: (Date | null)[] = [];
  for (const { message, outcome } of outcomes) {
    ids.push(String(message.id));
    if (outcome.status === 'accepted') {
      states.push('sent');
      providerIds.push(outcome.providerMessageId);
      carriers.push(reportedCarrier(outcome.carrier));
      reasons.push(null);
      nextAttempts.push(null);
    } else if (outcome.status === 'temporary' && message.attempts < settings.maxAttempts) {
      states.push('queued');
      providerIds.push(null);
      carriers.push(null);
      reasons.push(outcome.reason);
      nextAttempts.push(new Date(now.getTime() + backoffMs(message.attempts, settings)));
    } else {
      states.push('failed');
      providerIds.push(null);
      carriers.push(null);
      reasons.push(outcome.status === 'temporary' ? `gave up after ${message.attempts} attempts: ${outcome.reason}` : outcome.reason);
      nextAttempts.push(null);
    }
  }
  const { rows } = await sql<{ campaign_id: string; person_id: string; channel: DeliveryChannel; failure_reason: string | null; outcome: string }>`
    with locked as (select id from delivery_message where id = any(${ids}::bigint[]) order by id for update)
    update delivery_message m set
      state = case when m.state = 'sending' then u.state else m.state end,
      provider_message_id = coalesce(u.provider_id, m.provider_message_id),
      carrier = case when m.receipt_at is not null then m.carrier else coalesce(u.carrier, m.carrier) end,
      carrier_source = case when m.receipt_at is null and u.carrier is not null then 'provider' else m.carrier_source end,
      failure_reason = case when m.state = 'sending' then u.reason else m.failure_reason end,
      next_attempt_at = coalesce(u.next_at, m.next_attempt_at),
      lease_until = null,
      sent_at = case when u.state = 'sent' then coalesce(m.sent_at, ${now}::timestamptz) else m.sent_at end,
      failed_at = case when m.state = 'sending' and u.state = 'failed' then ${now}::timestamptz else m.failed_at end
    from unnest(${ids}::bigint[], ${states}::text[], ${providerIds}::text[], ${carriers}::text[], ${reasons}::text[], ${nextAttempts}::timestamptz[])
      as u(id, state, provider_id, carrier, reason, next_at), locked
    where m.id = u.id and m.id = locked.id and (m.state = 'sending' or (u.state = 'sent' and m.sent_at is null))
    returning m.campaign_id, m.person_id, m.channel, m.failure_reason, case when u.state = 'failed' and m.state = 'failed' then 'failed' else 'other' end as outcome`.execute(ctx.db);
  const failed = rows.filter((row) => row.outcome === 'failed');
  await reportOutcomes(ctx, failed.map((row) => ({ campaign_id: row.campaign_id, person_id: row.person_id, outcome: 'not-informed', evidence: evidenceOf(row.channel, 'not-informed', row.failure_reason) })));
  await applyEarlyReports(ctx, provider, providerIds.filter((id): id is string => id !== null));
}

/**
 * Messages whose worker died mid-hand-off (lease past). With an idempotent provider they go back to the
 * queue (the provider drops the second copy by reference); otherwise nobody can know whether they left,
 * so they become `unknown` — shown in reconciliation and resendable by a person — never sent twice.
 */
export async function recoverExpiredLeases(db: Db, provider: string, idempotent: boolean, now: Date): Promise<number> {
  const result = idempotent
    ? await sql`update delivery_message set state = 'queued', lease_until = null, next_attempt_at = ${now}
        where state = 'sending' and provider = ${provider} and lease_until < ${now}`.execute(db)
    : await sql`update delivery_message set state = 'unknown', lease_until = null, unknown_at = ${now},
        failure_reason = 'interrupted during hand-off to the provider' where state = 'sending' and provider = ${provider} and lease_until < ${now}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Accepted messages with no receipt after the deadline become `unknown` — on channels that send receipts
 * only: an e-mail or a letter never gets one, and is judged on its own evidence (channels.json).
 */
export async function markUnknownAfterDeadline(db: Db, now: Date, unknownAfterMs: number): Promise<number> {
  const result = await sql`update delivery_message set state = 'unknown', unknown_at = ${now}
    where state = 'sent' and sent_at < ${new Date(now.getTime() - unknownAfterMs)} and channel = any(${receiptChannels}::text[])`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Running campaigns with nothing left to hand off are completed (receipts may still arrive). */
export async function completeFinishedCampaigns(db: Db, now: Date): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`update delivery_campaign c set status = 'completed', completed_at = ${now}
    where c.status = 'running' and not exists (select 1 from delivery_message m where m.campaign_id = c.id and m.state in ('queued', 'sending'))
    returning c.id`.execute(db);
  return rows.map((row) => row.id);
}
