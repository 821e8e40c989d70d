import { sql } from 'kysely';
import { ConflictError, ValidationError } from '../http/errors.js';
import { getCampaign } from './campaigns.js';
import type { Actor, DeliveryContext } from './context.js';
import { evidenceOf, reportOutcomes } from './follow-up.js';
import { recordAction } from './record-action.js';

const batch = 10_000;

/**
 * E-mail's evidence of informing (channels.json): accepted by the relay and not bounced within the bounce
 * window. Each pass marks up to `batch` such messages informed and tells the register; a bounce that comes
 * later still fails the message and takes the person back to to-inform (reports.ts).
 */
export async function confirmUnbouncedEmails(ctx: DeliveryContext): Promise<number> {
  const now = ctx.clock.now();
  const acceptedBefore = new Date(now.getTime() - ctx.settings.emailBounceWindowMs);
  const { rows } = await sql<{ campaign_id: string; person_id: string }>`
    with due as (
      select id from delivery_message where state = 'sent' and sent_at <= ${acceptedBefore} and channel = 'email' and informed_at is null
      order by id limit ${batch} for update skip locked
    )
    update delivery_message m set informed_at = ${now} from due where m.id = due.id
    returning m.campaign_id, m.person_id`.execute(ctx.db);
  const hours = Math.round(ctx.settings.emailBounceWindowMs / 3_600_000);
  const evidence = `${evidenceOf('email', 'informed')} (${hours} h)`;
  await reportOutcomes(ctx, rows.map((row) => ({ ...row, outcome: 'informed', evidence })));
  return rows.length;
}

/**
 * A person records that the print house posted a letter campaign's exported letters: the letter channel's
 * evidence of informing. Who, when and why are recorded; the letters' people become informed in the register.
 * Returned mail is reported later through the bounce webhook (provider "print").
 */
export async function recordLettersPosted(ctx: DeliveryContext, actor: Actor, campaignId: string, reason: string, postedAt?: Date): Promise<{ posted: number }> {
  if (!reason?.trim()) throw new ValidationError([{ path: 'body.reason', message: 'is required (why)' }]);
  const now = ctx.clock.now();
  const at = postedAt ?? now;
  if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime() + 5 * 60_000) throw new ValidationError([{ path: 'body.postedAt', message: 'must be a date, not in the future' }]);
  const campaign = await getCampaign(ctx.db, campaignId);
  if (campaign.channel !== 'letter') throw new ValidationError([{ path: 'id', message: 'is not a letter campaign' }]);
  const rows = await ctx.db.transaction().execute(async (trx) => {
    const { rows: posted } = await sql<{ campaign_id: string; person_id: string }>`
      update delivery_message set informed_at = ${at}
      where campaign_id = ${campaignId} and state = 'sent' and informed_at is null
      returning campaign_id, person_id`.execute(trx);
    if (posted.length === 0) throw new ConflictError('No exported letter of this campaign is waiting to be posted: export them first');
    await recordAction(trx, actor, now, 'delivery.letters.posted', campaignId, reason);
    return posted;
  });
  await reportOutcomes(ctx, rows.map((row) => ({ ...row, outcome: 'informed', evidence: evidenceOf('letter', 'informed') })));
  return { posted: rows.length };
}
