import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { DeliveryContext } from './context.js';
import { evidenceOf, reportOutcomes, type MessageOutcome } from './follow-up.js';
import type { DeliveryChannel } from './ports.js';

/**
 * What a provider said after the hand-off, whatever the webhook: a receipt ("delivered", "failed", or an
 * intermediate report that only names the network) or a bounce (a failure after acceptance). Messages are
 * named by Vigie's reference or by the provider's own message id.
 */
export interface ProviderReport {
  reference?: string | undefined;
  id?: string | undefined;
  state: 'sent' | 'delivered' | 'failed';
  reason: string | null;
  /** The network the provider reports (its portability lookup): the authority on the carrier. */
  carrier: string | null;
}

export interface ReportResult {
  received: number;
  /** Messages whose state moved (delivered or failed). */
  changed: number;
  /** Reports for no message Vigie knows, or for a message already final. */
  ignored: number;
  /** Reports naming a provider message id not recorded yet: kept, applied when the hand-off lands. */
  held: number;
}

type Columns = { keys: string[]; states: string[]; reasons: (string | null)[]; carriers: (string | null)[] };
type Changed = { key: string; campaign_id: string; person_id: string; channel: DeliveryChannel; state: string; failure_reason: string | null };

const finality = { sent: 0, failed: 1, delivered: 1 } as const;

/** One report per message: a final one over an intermediate, the later of two finals; carriers kept. */
function columnsOf(reports: (ProviderReport & { key: string })[]): Columns {
  const byKey = new Map<string, ProviderReport & { key: string }>();
  for (const report of reports) {
    const before = byKey.get(report.key);
    const carrier = report.carrier ?? before?.carrier ?? null;
    byKey.set(report.key, !before || finality[report.state] >= finality[before.state] ? { ...report, carrier } : { ...before, carrier });
  }
  const cols: Columns = { keys: [], states: [], reasons: [], carriers: [] };
  for (const report of byKey.values()) {
    cols.keys.push(report.key);
    cols.states.push(report.state);
    cols.reasons.push(report.state === 'failed' ? report.reason : null);
    cols.carriers.push(report.carrier);
  }
  return cols;
}

/**
 * Applies reports to messages not yet final, in one set-based statement; rows locked in id order (as
 * queue.ts does: outcomes and receipts update overlapping rows at the same time). A delivered receipt is the
 * SMS channel's evidence of informing; a failure (receipt or bounce) takes any evidence back. A final receipt
 * also settles a message queued for a retry: the provider took it after all (its answer was lost), and it is
 * not handed off again.
 */
async function update(db: Db, provider: string, match: 'reference' | 'provider', cols: Columns, now: Date): Promise<Changed[]> {
  if (cols.keys.length === 0) return [];
  const rowsFor = match === 'reference'
    ? sql`select id, id::text as key from delivery_message where id = any(${cols.keys}::bigint[]) order by id for update`
    : sql`select id, provider_message_id as key from delivery_message
        where provider = ${provider} and provider_message_id is not null and provider_message_id = any(${cols.keys}::text[]) order by id for update`;
  const { rows } = await sql<Changed>`
    with locked as (${rowsFor})
    update delivery_message m set
      state = case when r.state = 'sent' then m.state else r.state end,
      receipt_at = ${now},
      delivered_at = case when r.state = 'delivered' then ${now}::timestamptz else m.delivered_at end,
      failed_at = case when r.state = 'failed' then ${now}::timestamptz else m.failed_at end,
      failure_reason = case when r.state = 'failed' then r.reason else m.failure_reason end,
      informed_at = case when r.state = 'delivered' then ${now}::timestamptz when r.state = 'failed' then null else m.informed_at end,
      carrier = coalesce(r.carrier, m.carrier),
      carrier_source = case when r.carrier is not null then 'provider' else m.carrier_source end,
      lease_until = case when r.state = 'sent' then m.lease_until else null end
    from unnest(${cols.keys}::text[], ${cols.states}::text[], ${cols.reasons}::text[], ${cols.carriers}::text[]) as r(key, state, reason, carrier)
    join locked on locked.key = r.key
    where m.id = locked.id and m.provider = ${provider}
      and (m.state in ('sending', 'sent', 'unknown') or (m.state = 'queued' and r.state <> 'sent'))
    returning locked.key, m.campaign_id, m.person_id, m.channel, m.state, m.failure_reason`.execute(db);
  return rows;
}

function outcomesOf(rows: Changed[]): MessageOutcome[] {
  return rows
    .filter((row) => row.state === 'delivered' || row.state === 'failed')
    .map((row) => {
      const outcome = row.state === 'delivered' ? 'informed' : 'not-informed';
      return { campaign_id: row.campaign_id, person_id: row.person_id, outcome, evidence: evidenceOf(row.channel, outcome, outcome === 'informed' ? null : row.failure_reason) };
    });
}

/**
 * Applies a batch of reports: by reference, then by provider id. A report by provider id that matches no
 * message may have overtaken the hand-off's answer (the provider's receipt can arrive before Vigie has
 * written the id it was given): it is kept in delivery_early_report and applied as soon as the id lands,
 * rather than answered 200 and lost (providers retry only failed posts). The person's follow-up in the
 * register is updated for the changed messages.
 */
export async function applyReports(ctx: DeliveryContext, provider: string, reports: ProviderReport[]): Promise<ReportResult> {
  const now = ctx.clock.now();
  const byRef = columnsOf(reports.filter((r) => r.reference).map((r) => ({ ...r, key: r.reference! })));
  const byId = columnsOf(reports.filter((r) => !r.reference && r.id).map((r) => ({ ...r, key: r.id! })));
  const changed = [...(await update(ctx.db, provider, 'reference', byRef, now)), ...(await update(ctx.db, provider, 'provider', byId, now))];
  const matched = new Set(changed.map((row) => row.key));
  const held = await holdUnknownIds(ctx.db, provider, byId, matched, now);
  const applied = held > 0 ? await applyEarlyReports(ctx, provider, byId.keys.filter((key) => !matched.has(key))) : 0;
  await reportOutcomes(ctx, outcomesOf(changed));
  const moved = changed.filter((row) => row.state === 'delivered' || row.state === 'failed').length + applied;
  return { received: reports.length, changed: moved, ignored: reports.length - changed.length - held, held: held - applied };
}

/** Keeps the reports whose provider id no message carries yet (a known but final message's are ignored). */
async function holdUnknownIds(db: Db, provider: string, cols: Columns, matched: Set<string>, now: Date): Promise<number> {
  const keep = cols.keys.flatMap((key, i) => (matched.has(key) ? [] : [i]));
  if (keep.length === 0) return 0;
  const pick = <T>(list: T[]) => keep.map((i) => list[i]!);
  const result = await sql`
    insert into delivery_early_report (provider, provider_message_id, state, reason, carrier, received_at)
    select ${provider}, r.key, r.state, r.reason, r.carrier, ${now}
    from unnest(${pick(cols.keys)}::text[], ${pick(cols.states)}::text[], ${pick(cols.reasons)}::text[], ${pick(cols.carriers)}::text[]) as r(key, state, reason, carrier)
    where not exists (select 1 from delivery_message m where m.provider = ${provider} and m.provider_message_id = r.key)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Applies the kept reports whose message now carries the provider id: called by the hand-off once it wrote
 * the ids, and by the webhook right after keeping some (whichever commits second sees the other's write, so
 * none is stranded). Taking and applying are one transaction. Returns how many messages moved.
 */
export async function applyEarlyReports(ctx: DeliveryContext, provider: string, providerIds: string[]): Promise<number> {
  if (providerIds.length === 0) return 0;
  const now = ctx.clock.now();
  const changed = await ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; provider_message_id: string; state: ProviderReport['state']; reason: string | null; carrier: string | null }>`
      delete from delivery_early_report e
      where e.provider = ${provider} and e.provider_message_id = any(${providerIds}::text[])
        and exists (select 1 from delivery_message m where m.provider = e.provider and m.provider_message_id = e.provider_message_id)
      returning e.id, e.provider_message_id, e.state, e.reason, e.carrier`.execute(trx);
    if (rows.length === 0) return [];
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    const cols = columnsOf(rows.map((row) => ({ key: row.provider_message_id, state: row.state, reason: row.reason, carrier: row.carrier })));
    return update(trx as unknown as Db, provider, 'provider', cols, now);
  });
  await reportOutcomes(ctx, outcomesOf(changed));
  return changed.filter((row) => row.state === 'delivered' || row.state === 'failed').length;
}

/** Kept reports whose hand-off never landed (a provider's mistake, or another Vigie's message) are dropped after a week. */
export async function dropStaleEarlyReports(db: Db, now: Date): Promise<number> {
  const result = await sql`delete from delivery_early_report where received_at < ${new Date(now.getTime() - 7 * 86_400_000)}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
