import { sql } from 'kysely';
import { parseConfig, type Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { BreachFacts } from './breach-facts.js';
import { breachIdOf } from './breach-store.js';
import { clocksOf, loadBreachState, loadBreachStates, missingForNextSteps, type Assessment, type Decision, type FilingRecord, type MissingItem, type NextStep } from './breach-state.js';
import type { Clock } from './clocks/compute-clocks.js';
import { countPopulation, type PopulationCounts } from './population.js';
import { buildTimeline, type ExposureWindow, type TimelineEntry } from './timeline.js';
import { peopleCountBand } from './vocabularies.js';

export interface BreachRecord {
  id: string;
  title: string;
  status: string;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  organisation: { name: string | null; siren: string | null; sector: string | null; legalRepresentative: string | null };
  dpo: { contact: string | null };
  facts: BreachFacts;
  peopleCountBand: string | null;
  timeline: TimelineEntry[];
  exposureWindows: ExposureWindow[];
  people: PopulationCounts;
  assessment: Assessment | null;
  decision: Decision | null;
  filings: FilingRecord[];
  clocks: Clock[];
  overdue: Clock[];
  missing: Record<NextStep, MissingItem[]>;
}

export interface ReadContext {
  config?: Pick<Config, 'organisation' | 'breachRegimes' | 'timeZone'>;
  now?: Date;
}

let defaultConfig: Config | undefined;

/**
 * The whole record of one breach, as the drafts (issue 7) and the documents read it: facts, timeline,
 * counts by status, assessment, decision, filings, clocks and what is still missing. The organisation and
 * the DPO come from configuration (VIGIE_ORG_*, VIGIE_DPO_CONTACT).
 */
export async function getBreach(db: Db, breachId: string, context: ReadContext = {}): Promise<BreachRecord> {
  const config = context.config ?? (defaultConfig ??= parseConfig({}));
  const now = context.now ?? new Date();
  const id = breachIdOf(breachId);
  const state = await loadBreachState(db, id);
  const clocks = clocksOf(state, config, now);
  const [{ entries, exposureWindows }, people] = await Promise.all([buildTimeline(db, state, now, config.timeZone), countPopulation(db, id, now)]);
  const org = config.organisation;
  return {
    id,
    title: state.row.title,
    status: state.row.status,
    version: state.row.version,
    createdAt: state.row.created_at,
    createdBy: state.row.created_by,
    updatedAt: state.row.updated_at,
    updatedBy: state.row.updated_by,
    organisation: { name: org.name ?? null, siren: org.siren ?? null, sector: org.sector ?? null, legalRepresentative: org.legalRepresentative ?? null },
    dpo: { contact: org.dpoContact ?? null },
    facts: state.facts,
    peopleCountBand: peopleCountBand(people.total > 0 ? people.total : state.facts.peopleCount) ?? null,
    timeline: entries,
    exposureWindows,
    people,
    assessment: state.assessment,
    decision: state.decision,
    filings: state.filings,
    clocks,
    overdue: clocks.filter((c) => c.overdue),
    missing: missingForNextSteps(state, clocks, config),
  };
}

export interface RegisterLine {
  id: string;
  title: string;
  status: string;
  createdAt: Date;
  awareAt: Date | null;
  natures: string[];
  dataCategories: string[];
  peopleCount: number | null;
  population: number;
  decision: string | null;
  gdprDueAt: Date | null;
  gdprState: string;
  overdue: string[];
}

/** The register: every breach, notified or not (Art. 33(5)), newest first, with its clocks. */
export async function listBreaches(db: Db, context: Required<ReadContext>): Promise<RegisterLine[]> {
  // A fixed number of statements whatever the register's size: the list is what a DPO opens most.
  const [states, populations] = await Promise.all([
    loadBreachStates(db),
    db.selectFrom('breach_person').select(['breach_id', sql<string>`count(*)`.as('n')]).groupBy('breach_id').execute(),
  ]);
  const population = new Map(populations.map((p) => [String(p.breach_id), Number(p.n)]));
  return states.map((state) => {
    const clocks = clocksOf(state, context.config, context.now);
    const gdpr = clocks.find((c) => c.regime === 'gdpr');
    const id = state.row.id;
    return {
      id,
      title: state.row.title,
      status: state.row.status,
      createdAt: state.row.created_at,
      awareAt: state.row.aware_at,
      natures: state.facts.natures,
      dataCategories: state.facts.dataCategories,
      peopleCount: state.facts.peopleCount,
      population: population.get(String(id)) ?? 0,
      decision: state.decision ? `${state.decision.authority}/${state.decision.people}` : null,
      gdprDueAt: gdpr?.dueAt ?? null,
      gdprState: gdpr?.state ?? 'waiting',
      overdue: clocks.filter((c) => c.overdue).map((c) => `${c.regime}/${c.step}`),
    };
  });
}
