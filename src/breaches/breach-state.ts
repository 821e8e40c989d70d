import type { Config } from '../config.js';
import type { Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { BreachRow } from '../db/tables/breach.js';
import type { BreachFacts } from './breach-facts.js';
import { factsOf, loadBreach, type Executor } from './breach-store.js';
import { computeClocks, type Clock } from './clocks/compute-clocks.js';
import nextSteps from './data/next-steps.json' with { type: 'json' };
import type { EnisaScore } from './risk/enisa-score.js';
import { departuresFrom, type Departure } from './override.js';
import type { AuthorityAdvice, PeopleAdvice, Recommendation } from './risk/recommend.js';

export interface Assessment {
  id: string;
  at: Date;
  actor: string;
  input: unknown;
  score: EnisaScore;
  recommendation: Recommendation;
  note: string | null;
}

export interface Decision {
  id: string;
  at: Date;
  actor: string;
  authority: 'notify' | 'not-notify';
  people: 'inform' | 'not-inform' | 'public-communication' | 'undetermined';
  justification: string;
  delayReasons: string | null;
  /** The recommendation the decision answered (null when none was asked before deciding). */
  assessmentId: string | null;
  recommendation: { authority: AuthorityAdvice; people: PeopleAdvice; summary: { fr: string; en: string } } | null;
  /** Where the decision departs from that recommendation (its justification says why). */
  departures: Departure[];
}

export interface FilingRecord {
  id: string;
  regime: string;
  step: string;
  kind: string;
  filedAt: Date;
  reference: string | null;
  delayReasons: string | null;
  recordedAt: Date;
  recordedBy: string;
}

export interface BreachState {
  row: BreachRow;
  facts: BreachFacts;
  assessment: Assessment | null;
  decision: Decision | null;
  filings: FilingRecord[];
}

/** The breach and what was decided about it: the latest assessment and decision, every filing. */
export async function loadBreachState(db: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<BreachState> {
  const row = await loadBreach(db, id, options);
  const [assessment, decision, filings] = await Promise.all([
    db.selectFrom('breach_assessment').selectAll().where('breach_id', '=', id).orderBy('id', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('breach_decision').selectAll().where('breach_id', '=', id).orderBy('id', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('breach_filing').selectAll().where('breach_id', '=', id).orderBy('filed_at').orderBy('id').execute(),
  ]);
  return stateOf(row, assessment, decision, filings);
}

/**
 * Every breach's state in four statements whatever their number (the register list), newest first: the
 * same answer as loadBreachState for each.
 */
export async function loadBreachStates(db: Executor): Promise<BreachState[]> {
  const [rows, assessments, decisions, filings] = await Promise.all([
    db.selectFrom('breach').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute(),
    db.selectFrom('breach_assessment').selectAll().distinctOn('breach_id').orderBy('breach_id').orderBy('id', 'desc').execute(),
    db.selectFrom('breach_decision').selectAll().distinctOn('breach_id').orderBy('breach_id').orderBy('id', 'desc').execute(),
    db.selectFrom('breach_filing').selectAll().orderBy('breach_id').orderBy('filed_at').orderBy('id').execute(),
  ]);
  const latestAssessment = new Map(assessments.map((a) => [String(a.breach_id), a]));
  const latestDecision = new Map(decisions.map((d) => [String(d.breach_id), d]));
  const filingsOf = new Map<string, typeof filings>();
  for (const filing of filings) {
    const key = String(filing.breach_id);
    const known = filingsOf.get(key);
    if (known) known.push(filing);
    else filingsOf.set(key, [filing]);
  }
  return rows.map((row) => stateOf(row, latestAssessment.get(String(row.id)), latestDecision.get(String(row.id)), filingsOf.get(String(row.id)) ?? []));
}

type AssessmentRow = Selectable<Database['breach_assessment']>;
type DecisionRow = Selectable<Database['breach_decision']>;
type FilingRow = Selectable<Database['breach_filing']>;

function stateOf(row: BreachRow, assessment: AssessmentRow | undefined, decision: DecisionRow | undefined, filings: FilingRow[]): BreachState {
  return {
    row,
    facts: factsOf(row),
    assessment: assessment
      ? { id: assessment.id, at: assessment.at, actor: assessment.actor, input: assessment.input, score: assessment.score as EnisaScore, recommendation: assessment.recommendation as Recommendation, note: assessment.note }
      : null,
    decision: decision ? decisionOf(decision) : null,
    filings: filings.map((f) => ({
      id: f.id,
      regime: f.regime,
      step: f.step,
      kind: f.kind,
      filedAt: f.filed_at,
      reference: f.reference,
      delayReasons: f.delay_reasons,
      recordedAt: f.recorded_at,
      recordedBy: f.recorded_by,
    })),
  };
}

function decisionOf(row: DecisionRow): Decision {
  const recommendation = (row.recommendation ?? null) as Decision['recommendation'];
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    authority: row.authority,
    people: row.people,
    justification: row.justification,
    delayReasons: row.delay_reasons,
    assessmentId: row.assessment_id,
    recommendation,
    departures: recommendation ? departuresFrom(recommendation, row) : [],
  };
}

export function clocksOf(state: BreachState, config: Pick<Config, 'breachRegimes' | 'timeZone'>, now: Date): Clock[] {
  const date = (value: string | null) => (value ? new Date(value) : null);
  return computeClocks({
    awareAt: date(state.facts.awareAt),
    classifiedAt: date(state.facts.classifiedAt),
    regimes: config.breachRegimes,
    filings: state.filings.filter((f) => f.kind !== 'complementary'),
    gdprNotificationNotRequired: state.decision?.authority === 'not-notify',
    now,
    timeZone: config.timeZone,
  });
}

export interface MissingItem {
  field: string;
  fr: string;
  en: string;
}

export type NextStep = 'assess' | 'notify' | 'close';

/** For each next step of the register, the facts it still needs (data/next-steps.json). */
export function missingForNextSteps(state: BreachState, clocks: Clock[], config: Pick<Config, 'organisation'>): Record<NextStep, MissingItem[]> {
  const f = state.facts;
  const gdpr = clocks.find((c) => c.regime === 'gdpr');
  const late = gdpr?.state === 'missed';
  const measures = f.measures.immediate.length + f.measures.mediumTerm.length + f.measures.longTerm.length > 0;
  const known = (values: string[]) => values.length > 0 && !values.every((v) => v === 'unknown' || v === 'undetermined');
  const present: Record<string, boolean> = {
    natures: f.natures.length > 0,
    dataCategories: known(f.dataCategories),
    awareAt: f.awareAt !== null,
    assessment: state.assessment !== null,
    decision: state.decision !== null,
    origins: known(f.origins),
    causes: f.causes.length > 0,
    discoveredAt: f.discoveredAt !== null,
    circumstances: f.circumstances !== null,
    personCategories: known(f.personCategories),
    peopleCount: f.peopleCount !== null,
    consequences: f.consequences.length > 0,
    measures,
    organisation: Boolean(config.organisation.name),
    dpoContact: Boolean(config.organisation.dpoContact),
    delayReasons: !late || Boolean(f.delayReasons) || Boolean(state.decision?.delayReasons) || state.filings.some((x) => x.regime === 'gdpr' && x.delayReasons),
    filing: state.decision?.authority !== 'notify' || state.filings.some((x) => x.regime === 'gdpr' && x.kind === 'initial'),
    endedAt: f.endedAt !== null || f.ongoing === false,
    peopleInformed: f.peopleInformed !== 'undetermined',
  };
  const pick = (items: MissingItem[]) => items.filter((item) => !present[item.field]);
  return {
    assess: pick(nextSteps.assess),
    notify: state.decision?.authority === 'not-notify' ? [] : pick(nextSteps.notify),
    close: pick(nextSteps.close),
  };
}
