import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { carrierOf, normalizePhone } from './carrier.js';
import type { Actor, DeliveryContext } from './context.js';
import type { DeliveryChannel, Person, RenderedMessage } from './ports.js';
import { recordAction } from './record-action.js';
import { draftFitsChannel, partsOfChannel } from './render.js';

export const deliveryChannels = ['email', 'sms', 'letter'] as const;

export interface CreateCampaignInput {
  draftId: string;
  channel: DeliveryChannel;
  /** One segment of the breach's population, or all of it. */
  segment?: string | null;
  reason: string;
  /** Resend: only these people (from the campaign named in resendOf). */
  people?: Person[];
  resendOf?: string | null;
}

export interface CreatedCampaign {
  campaign: DeliveryCampaign;
  queued: number;
  /** People with no address for this channel: reported, not queued. */
  withoutDestination: number;
}

const pageSize = 5_000;
const parallelInserts = 3;

/**
 * Renders one message per person from an approved draft and queues them all. The campaign becomes `ready`
 * only once its whole population is queued (on failure it is removed); nothing leaves before `start`.
 */
export async function createCampaign(
  ctx: DeliveryContext,
  actor: Actor,
  input: CreateCampaignInput,
  onProgress?: (queued: number) => void,
): Promise<CreatedCampaign> {
  const errors = [];
  if (!(deliveryChannels as readonly string[]).includes(input.channel)) errors.push({ path: 'body.channel', message: 'must be email, sms or letter' });
  if (!input.reason?.trim()) errors.push({ path: 'body.reason', message: 'is required (why this is sent)' });
  if (errors.length > 0) throw new ValidationError(errors);
  const draft = await ctx.ports.loadDraft(input.draftId);
  if (!draft) throw new NotFoundError('No draft with this id');
  // A draft written for one channel has no part for another: an SMS draft sent as letters printed empty pages.
  if (!draftFitsChannel(draft.parts, input.channel)) {
    const has = draft.parts.length > 0 ? [...draft.parts].sort().join(', ') : 'none';
    throw new ValidationError([{ path: 'body.channel', message: `the draft has no ${input.channel} part (${partsOfChannel(input.channel).join(' or ')}; it has: ${has}): approve a ${input.channel} draft and send that` }]);
  }
  if (!(await ctx.ports.isApproved(draft))) throw new ConflictError('The draft is not approved by the DPO: it cannot be sent');

  const now = ctx.clock.now();
  const id = crypto.randomUUID();
  const render = await ctx.ports.compileRenderer(draft, input.channel);
  // `preparing` until every message is queued: workers only take running campaigns and only a ready one
  // can be started, so a half-queued campaign (a crash mid-way) can never send.
  const campaign = await ctx.db
    .insertInto('delivery_campaign')
    .values({
      id,
      breach_id: draft.breachId,
      draft_id: draft.id,
      channel: input.channel,
      provider: ctx.settings.providers[input.channel],
      segment: input.segment ?? null,
      resend_of: input.resendOf ?? null,
      status: 'preparing',
      total: 0,
      created_at: now,
      created_by: actor.subject,
      reason: input.reason,
      started_at: null,
      paused_at: null,
      cancelled_at: null,
      completed_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  let queued = 0;
  let withoutDestination = 0;
  // Pages are inserted on several connections at once while the next page renders (CPU here, work in
  // PostgreSQL there); each insert is its own statement, so they need no shared transaction.
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const queuePage = async (people: Person[]) => {
    const page = renderPage(campaign, render, people);
    withoutDestination += page.withoutDestination;
    while (inFlight.size >= parallelInserts) await Promise.race(inFlight);
    if (failure) throw failure;
    const task: Promise<void> = insertPage(ctx.db, campaign, page, now).then(
      (count) => {
        queued += count;
        onProgress?.(queued);
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };
  try {
    if (input.people) {
      for (let i = 0; i < input.people.length; i += pageSize) await queuePage(input.people.slice(i, i + pageSize));
    } else {
      let after: string | null = null;
      for (;;) {
        const people = await ctx.ports.listPopulation(draft.breachId, { segment: input.segment ?? null, after, limit: pageSize });
        if (people.length === 0) break;
        await queuePage(people);
        after = people[people.length - 1]!.id;
        if (people.length < pageSize) break;
      }
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
  } catch (error) {
    await Promise.allSettled(inFlight);
    await ctx.db.deleteFrom('delivery_message').where('campaign_id', '=', id).execute();
    await ctx.db.deleteFrom('delivery_campaign').where('id', '=', id).where('status', '=', 'preparing').execute();
    throw error;
  }
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('delivery_campaign').set({ status: 'ready', total: queued }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAction(trx, actor, now, input.resendOf ? 'delivery.campaign.resend' : 'delivery.campaign.create', id, input.reason);
    return { campaign: updated, queued, withoutDestination };
  });
}

/** The address a channel needs, normalised; undefined when the person has none. */
export function destinationOf(person: Person, channel: DeliveryChannel): string | undefined {
  if (channel === 'email') return person.email?.trim() || undefined;
  if (channel === 'sms') return person.phone ? normalizePhone(person.phone) : undefined;
  const lines = (person.address ?? []).map((line) => line.trim()).filter(Boolean);
  return lines.length > 0 ? [person.name?.trim(), ...lines].filter(Boolean).join('\n') : undefined;
}

interface RenderedPage {
  person: string[];
  segment: (string | null)[];
  destination: string[];
  carrier: (string | null)[];
  subject: (string | null)[];
  body: string[];
  html: (string | null)[];
  withoutDestination: number;
}

function renderPage(campaign: DeliveryCampaign, render: (person: Person) => RenderedMessage, people: Person[]): RenderedPage {
  const page: RenderedPage = { person: [], segment: [], destination: [], carrier: [], subject: [], body: [], html: [], withoutDestination: 0 };
  for (const person of people) {
    const destination = destinationOf(person, campaign.channel);
    if (!destination) {
      page.withoutDestination++;
      continue;
    }
    const rendered = render(person);
    page.person.push(person.id);
    page.segment.push(person.segment ?? null);
    page.destination.push(destination);
    // The numbering plan's guess until the provider names the network (carrier_source says which).
    page.carrier.push(campaign.channel === 'sms' ? carrierOf(destination) : null);
    page.subject.push(rendered.subject ?? null);
    page.body.push(rendered.text);
    page.html.push(rendered.html ?? null);
  }
  return page;
}

async function insertPage(trx: Db, campaign: DeliveryCampaign, page: RenderedPage, now: Date): Promise<number> {
  if (page.person.length === 0) return 0;
  // One statement per page with one array parameter per column: 650,000 rows are 130 round trips.
  const result = await sql`
    insert into delivery_message (campaign_id, person_id, segment, channel, provider, destination, carrier, carrier_source, subject, body, html, state, next_attempt_at, queued_at)
    select ${campaign.id}, u.person_id, u.segment, ${campaign.channel}, ${campaign.provider}, u.destination, u.carrier,
      case when u.carrier is null then null else 'numbering-plan' end, u.subject, u.body, u.html, 'queued', ${now}, ${now}
    from unnest(${page.person}::text[], ${page.segment}::text[], ${page.destination}::text[], ${page.carrier}::text[],
                ${page.subject}::text[], ${page.body}::text[], ${page.html}::text[])
      as u(person_id, segment, destination, carrier, subject, body, html)
    on conflict (campaign_id, person_id) do nothing`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

export async function getCampaign(db: Db, id: string): Promise<DeliveryCampaign> {
  const campaign = await db.selectFrom('delivery_campaign').selectAll().where('id', '=', id).executeTakeFirst();
  if (!campaign) throw new NotFoundError('No campaign with this id');
  return campaign;
}
