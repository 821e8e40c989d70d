import { z } from '@hono/zod-openapi';
import type { BreachFacts } from './breach-facts.js';
import { breachIdOf, parseInput, recordStaffAction, requireDb, type BreachActor, type BreachDeps } from './breach-store.js';
import { loadBreachState } from './breach-state.js';
import { countPopulation } from './population.js';
import { readCircumstances } from './risk/circumstances.js';
import { scoreEnisa } from './risk/enisa-score.js';
import { recommend } from './risk/recommend.js';
import { riskDraft, riskInput, stripUndefined, type RiskInputDraft } from './risk/risk-input.js';

export const assessBody = riskDraft.extend({ note: z.string().trim().max(10_000).optional() }).openapi('AssessBreach');
export type AssessInput = z.input<typeof assessBody>;

const maliciousCauses = ['internal-malicious', 'external-malicious'];
const internalCauses = ['internal-malicious', 'internal-accidental'];

/**
 * What the register already says, in the assessment's terms: the DPO states a fact once (in the register) and
 * each assessment reads it unless the DPO states otherwise there. The number of people is the one the register
 * gives the CNIL: the DPO's estimate (its upper bound for a range) until the DPO adopts the people list's count.
 */
export function registerDefaults(facts: BreachFacts, listed: number): RiskInputDraft {
  const knownCauses = facts.causes.filter((c) => c !== 'unknown' && c !== 'other');
  const peopleCount = facts.peopleCountFrom === 'people-list' && listed > 0 ? listed : (facts.peopleCount ?? facts.peopleEstimate?.max ?? null);
  const defaults: RiskInputDraft = {
    dataCategories: facts.dataCategories,
    personCategories: facts.personCategories,
    peopleCount,
    recordCount: facts.recordCount,
    recipients: facts.recipients ?? undefined,
    recipientsCount: facts.recipientsCount,
    recipientAction: facts.recipientAction ?? undefined,
    exfiltration: facts.exfiltration ?? undefined,
    insider: facts.insider ?? (knownCauses.length > 0 ? knownCauses.some((c) => internalCauses.includes(c)) : undefined),
    malicious: knownCauses.length > 0 ? knownCauses.some((c) => maliciousCauses.includes(c)) : undefined,
    backupAvailable: facts.backupAvailable,
    restoreHours: facts.restoreHours,
    fullPaymentCardData: facts.fullPaymentCardData ?? undefined,
    crossBorder: facts.crossBorder ?? undefined,
    atProcessor: facts.processorsInvolved ?? undefined,
    easeOfIdentification: facts.directlyIdentifiable === true ? 'maximum' : undefined,
  };
  return stripUndefined(defaults);
}

/**
 * Scores the breach (ENISA) and asks the recommendation. Every fact the DPO leaves out of the body is read from
 * the register (registerDefaults); what the body says wins. Kept as a new assessment; earlier ones stay. The
 * answer says which facts came from the register, so that the DPO sees what the advice rests on.
 */
export async function assessBreach(deps: BreachDeps, breachId: string, body: AssessInput, actor: BreachActor) {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const at = deps.clock.now();
  const { note, ...stated } = parseInput(assessBody, body);
  return db.transaction().execute(async (trx) => {
    const state = await loadBreachState(trx, id, { forUpdate: true });
    const listed = (await countPopulation(trx, id, at)).total;
    const fromRegister = registerDefaults(state.facts, listed);
    const given = stripUndefined(stated);
    const input = parseInput(riskInput, { ...fromRegister, ...given });
    const circumstances = readCircumstances(input);
    const score = scoreEnisa(input, circumstances);
    const recommendation = recommend(input, circumstances, score);
    const registerFields = Object.keys(fromRegister).filter((field) => !(field in given));
    const row = await trx
      .insertInto('breach_assessment')
      .values({
        breach_id: id,
        at,
        actor: actor.subject,
        input: JSON.stringify({ ...input, fromRegister: registerFields, derived: circumstances.derived }),
        score: JSON.stringify(score),
        recommendation: JSON.stringify(recommendation),
        note: note?.trim() || null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordStaffAction(trx, actor, 'breach.assess', id, note?.trim() || `ENISA ${score.score} (${score.band})`, at);
    return { id: row.id, score, recommendation, circumstances, fromRegister: registerFields };
  });
}
