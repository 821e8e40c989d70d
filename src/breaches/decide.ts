import { z } from '@hono/zod-openapi';
import { ConflictError, ValidationError } from '../http/errors.js';
import { breachIdOf, parseInput, recordStaffAction, requireDb, writeRevision, type BreachActor, type BreachDeps } from './breach-store.js';
import { clocksOf, loadBreachState, missingForNextSteps } from './breach-state.js';
import { formatInZone } from './zoned-time.js';
import { departuresFrom } from './override.js';

const justificationMinimum = 20;
const text = z.string().trim().max(10_000);

// The assessment moved to assess.ts; kept reachable here for existing callers (the CLI).
export { assessBody, assessBreach, type AssessInput } from './assess.js';

export const decideBody = z
  .object({
    authority: z.enum(['notify', 'not-notify']),
    people: z.enum(['inform', 'not-inform', 'public-communication', 'undetermined']),
    justification: text.default(''),
    delayReasons: text.optional(),
  })
  .openapi('DecideBreach');
export type DecideInput = z.input<typeof decideBody>;

/**
 * Records the DPO's decision. Not notifying, not informing people, or departing from the latest
 * recommendation needs a written justification (Art. 33(5), CNIL); the decision keeps the recommendation it
 * answered, so that the register and the CNIL draft show both. Deciding to notify after the 72 hours needs
 * the reasons for the delay (Art. 33(1)).
 */
export async function decideBreach(deps: BreachDeps, breachId: string, input: DecideInput, actor: BreachActor) {
  const body = parseInput(decideBody, input);
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const now = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    const state = await loadBreachState(trx, id, { forUpdate: true });
    const errors: { path: string; message: string }[] = [];
    const advice = state.assessment?.recommendation;
    const departures = advice ? departuresFrom(advice, body) : [];
    const needsJustification = body.authority === 'not-notify' || body.people === 'not-inform' || departures.length > 0;
    if (needsJustification && body.justification.length < justificationMinimum) {
      const why = departures.length > 0 ? `departing from the recommendation (${departures.map((d) => `${d.field}: advised ${d.advised}, decided ${d.decided}`).join('; ')})` : 'not notifying or not informing people';
      errors.push({ path: 'justification', message: `${why} needs a written justification (at least ${justificationMinimum} characters)` });
    }
    const gdpr = clocksOf(state, deps.config, now).find((c) => c.regime === 'gdpr');
    const filed = state.filings.some((f) => f.regime === 'gdpr' && f.kind === 'initial');
    const delayReasons = body.delayReasons?.trim() || state.facts.delayReasons;
    if (body.authority === 'notify' && !filed && gdpr?.dueAt && now > gdpr.dueAt && !delayReasons) {
      errors.push({ path: 'delayReasons', message: `the 72 hours ran out at ${formatInZone(gdpr.dueAt, deps.config.timeZone)}: a late notification needs the reasons for the delay` });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    const row = await trx
      .insertInto('breach_decision')
      .values({
        breach_id: id,
        at: now,
        actor: actor.subject,
        authority: body.authority,
        people: body.people,
        justification: body.justification,
        delay_reasons: body.delayReasons?.trim() || null,
        assessment_id: state.assessment?.id ?? null,
        recommendation: advice ? JSON.stringify({ authority: advice.authority, people: advice.people, summary: advice.summary }) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordStaffAction(trx, actor, 'breach.decide', id, body.justification || `${body.authority}; people: ${body.people}`, now);
    return { id: row.id, departures };
  });
}

export const filingBody = z
  .object({
    filedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset or Z' }),
    reference: text.optional(),
    kind: z.enum(['initial', 'complementary']).default('initial'),
    delayReasons: text.optional(),
  })
  .openapi('NotificationFiled');

export interface FilingInput {
  filedAt: Date;
  reference?: string | undefined;
  kind: 'initial' | 'complementary';
  delayReasons?: string | undefined;
  /** Other regimes' reports (NIS2, ePrivacy, DORA); default: the CNIL notification. */
  regime?: string;
  step?: string;
}

/**
 * The CNIL notification was filed (issue 7 records it from the draft): satisfies the GDPR clock, moves the
 * breach to "notified". Filed after the 72 hours without reasons for the delay: refused (Art. 33(1)).
 */
export async function recordNotificationFiled(deps: BreachDeps, breachId: string, filing: FilingInput, actor: BreachActor) {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const now = deps.clock.now();
  const regime = filing.regime ?? 'gdpr';
  const step = filing.step ?? 'notification';
  return db.transaction().execute(async (trx) => {
    const state = await loadBreachState(trx, id, { forUpdate: true });
    const errors: { path: string; message: string }[] = [];
    if (filing.filedAt.getTime() > now.getTime() + 5 * 60_000) errors.push({ path: 'filedAt', message: 'must not be in the future' });
    const initial = state.filings.find((f) => f.regime === regime && f.step === step && f.kind === 'initial');
    if (filing.kind === 'complementary' && !initial) errors.push({ path: 'kind', message: 'a complementary notification refers to an initial one: record the initial notification first' });
    if (filing.kind === 'initial' && initial) errors.push({ path: 'kind', message: 'the initial notification is already recorded: this one is complementary' });
    const clock = clocksOf(state, deps.config, now).find((c) => c.regime === regime && c.step === step);
    const delayReasons = filing.delayReasons?.trim() || state.decision?.delayReasons || state.facts.delayReasons;
    if (filing.kind === 'initial' && clock?.dueAt && filing.filedAt > clock.dueAt && !delayReasons) {
      errors.push({ path: 'delayReasons', message: `filed after the deadline (${formatInZone(clock.dueAt, deps.config.timeZone)}): the reasons for the delay are required` });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    await trx
      .insertInto('breach_filing')
      .values({
        breach_id: id,
        regime,
        step,
        kind: filing.kind,
        filed_at: filing.filedAt,
        reference: filing.reference?.trim() || null,
        delay_reasons: filing.delayReasons?.trim() || null,
        recorded_at: now,
        recorded_by: actor.subject,
      })
      .execute();
    const reason = `${regime} ${step} (${filing.kind}) filed${filing.reference ? `, reference ${filing.reference}` : ''}`;
    if (regime === 'gdpr' && filing.kind === 'initial' && state.row.status !== 'notified' && state.row.status !== 'closed') {
      await writeRevision(trx, state.row, { status: 'notified' }, { action: 'status', reason, changes: [{ field: 'status', before: state.row.status, after: 'notified' }], actor, at: now });
    } else {
      await recordStaffAction(trx, actor, 'breach.filing', id, reason, now);
    }
    return { regime, step, kind: filing.kind };
  });
}

/** Transitions of the register (open → assessed → notified → closed, and reopened). */
const transitions: Record<string, string[]> = {
  open: ['assessed', 'closed'],
  assessed: ['notified', 'closed'],
  notified: ['closed'],
  closed: ['reopened'],
  reopened: ['assessed', 'notified', 'closed'],
};

export const statusBody = z
  .object({ status: z.enum(['open', 'assessed', 'notified', 'closed', 'reopened']), reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(2000) })
  .openapi('ChangeBreachStatus');

/** Moves the breach to another status, if the register has what that status needs. */
export async function changeStatus(deps: BreachDeps, breachId: string, input: z.input<typeof statusBody>, actor: BreachActor) {
  const body = parseInput(statusBody, input);
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const now = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    const state = await loadBreachState(trx, id, { forUpdate: true });
    const from = state.row.status;
    if (!transitions[from]?.includes(body.status)) {
      throw new ConflictError(`A breach cannot go from ${from} to ${body.status}; from ${from}: ${transitions[from]?.join(', ') || 'nothing'}`);
    }
    const missing = missingForNextSteps(state, clocksOf(state, deps.config, now), deps.config);
    const needed = body.status === 'assessed' ? missing.assess : body.status === 'notified' ? missing.notify : body.status === 'closed' ? missing.close : [];
    if (body.status === 'notified' && !state.filings.some((f) => f.regime === 'gdpr' && f.kind === 'initial')) {
      needed.push({ field: 'filing', fr: 'notification déposée auprès de la CNIL', en: 'notification filed with the CNIL' });
    }
    if (needed.length > 0) {
      throw new ValidationError(needed.map((item) => ({ path: item.field, message: `needed before "${body.status}": ${item.en}` })));
    }
    const version = await writeRevision(trx, state.row, { status: body.status }, { action: 'status', reason: body.reason, changes: [{ field: 'status', before: from, after: body.status }], actor, at: now });
    return { id, status: body.status, version };
  });
}
