import { sql } from 'kysely';
import { loadBreachState, clocksOf, missingForNextSteps } from '../breaches/breach-state.js';
import type { Executor } from '../breaches/breach-store.js';
import type { Config } from '../config.js';
import type { AnchorName } from './playbook-schema.js';
import type { Situation } from './facts.js';

/** The dates due times count from; null while not known yet (the task then waits, with no due time). */
export type Anchors = Record<AnchorName, Date | null>;

const date = (value: string | null | undefined) => (value ? new Date(value) : null);

/**
 * The breach as a run reads it, in a fixed number of statements: the register's state (facts, decision,
 * assessment, filings), the population count, the campaigns and their delivery alerts.
 */
export async function readSituation(
  db: Executor,
  breachId: string,
  run: { exercise: boolean; startedAt: Date },
  config: Pick<Config, 'organisation' | 'breachRegimes' | 'timeZone'>,
  now: Date,
): Promise<{ situation: Situation; anchors: Anchors }> {
  const state = await loadBreachState(db, breachId);
  const [people, campaigns, alerts] = await Promise.all([
    db.selectFrom('breach_person').select(sql<string>`count(*)`.as('n')).where('breach_id', '=', breachId).executeTakeFirst(),
    db.selectFrom('delivery_campaign').select(['id', 'started_at']).where('breach_id', '=', String(breachId)).execute(),
    db
      .selectFrom('delivery_alert')
      .innerJoin('delivery_campaign', 'delivery_campaign.id', 'delivery_alert.campaign_id')
      .select(sql<string>`count(*)`.as('n'))
      .where('delivery_campaign.breach_id', '=', String(breachId))
      .executeTakeFirst(),
  ]);
  const initial = state.filings.find((f) => f.regime === 'gdpr' && f.kind === 'initial') ?? null;
  // Partial: filed while facts the notification needs were still missing, or facts changed since.
  let partial = false;
  if (initial) {
    const missing = missingForNextSteps(state, clocksOf(state, config, now), config).notify;
    const changedSince = await db
      .selectFrom('breach_revision')
      .select('id')
      .where('breach_id', '=', breachId)
      .where('action', '=', 'edit')
      .where('at', '>', initial.filedAt)
      .limit(1)
      .executeTakeFirst();
    partial = missing.length > 0 || changedSince !== undefined;
  }
  const started = campaigns.map((c) => c.started_at).filter((d): d is Date => d !== null);
  const situation: Situation = {
    facts: state.facts,
    decision: state.decision ? { authority: state.decision.authority, people: state.decision.people } : null,
    assessment: state.assessment
      ? { band: state.assessment.score.band, authority: state.assessment.recommendation.authority, people: state.assessment.recommendation.people }
      : null,
    notification: { initialFiled: initial !== null, partial },
    people: { total: Number(people?.n ?? 0) },
    delivery: { campaigns: campaigns.length, failing: Number(alerts?.n ?? 0) > 0 },
    run: { exercise: run.exercise },
  };
  const anchors: Anchors = {
    detection: date(state.facts.discoveredAt),
    awareness: date(state.facts.awareAt),
    notification: initial?.filedAt ?? null,
    communication: started.length > 0 ? new Date(Math.min(...started.map((d) => d.getTime()))) : null,
    start: run.startedAt,
  };
  return { situation, anchors };
}
