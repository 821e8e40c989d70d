import { formatInZone } from '../breaches/zoned-time.js';

/**
 * What `vigie breach` prints, the same whether it reads the database itself or a running Vigie's API (whose
 * JSON carries times as ISO strings with their offset).
 */
type When = Date | string | null | undefined;
const at = (value: When, zone: string) => (value ? formatInZone(value instanceof Date ? value : new Date(value), zone) : undefined);

export function printOpened(id: string, title: string, clocks: { en: string; dueAt: When; state: string }[], zone: string): void {
  console.log(`breach ${id} opened: ${title}`);
  for (const clock of clocks) console.log(`  ${clock.en}: ${at(clock.dueAt, zone) ?? 'waiting for the awareness time'} (${clock.state})`);
}

/** A register line; a role that sees the reduced register (sre, comms) gets no clocks. */
export interface TableLine {
  id: string;
  status: string;
  gdprDueAt?: When;
  gdprState?: string;
  population: number;
  title: string;
  overdue?: string[];
}

export function printTable(lines: TableLine[], zone: string): void {
  for (const line of lines) {
    const overdue = line.overdue?.length ? `  OVERDUE: ${line.overdue.join(', ')}` : '';
    console.log(`${String(line.id).padStart(4)}  ${line.status.padEnd(9)} GDPR ${at(line.gdprDueAt, zone) ?? '—'} ${(line.gdprState ?? '—').padEnd(12)} people ${String(line.population).padStart(6)}  ${line.title}${overdue}`);
  }
  if (lines.length === 0) console.log('the register is empty');
}

export interface AssessmentOutput {
  score: { dpc: number; ei: number; cb: number; score: number; band: string; flags: { manyPeople: boolean | null; unintelligible: boolean } };
  recommendation: { summary: { en: string }; factors: { status: string; effect: string; en: string }[] };
}

export function printAssessment({ score, recommendation }: AssessmentOutput): void {
  console.log(`ENISA: SE = ${score.dpc} × ${score.ei} + ${score.cb} = ${score.score} (${score.band})${score.flags.manyPeople ? ', more than 100 people' : ''}${score.flags.unintelligible ? ', data unintelligible' : ''}`);
  console.log(`recommendation: ${recommendation.summary.en}`);
  for (const factor of recommendation.factors.filter((f) => f.status !== 'absent')) console.log(`  ${factor.status === 'unknown' ? '?' : factor.effect === 'mitigates' ? '-' : '+'} ${factor.en}`);
}

export const eventLine = (id: string, when: Date, kind: string, zone: string) => `event added to breach ${id}: ${formatInZone(when, zone)} ${kind}`;
export const decisionLine = (id: string, decision: { authority: string; people: string }) => `decision recorded for breach ${id}: authority ${decision.authority}, people ${decision.people}`;
