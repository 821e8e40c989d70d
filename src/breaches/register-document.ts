import { labelOf, labelsFor, type CodeList, type Language } from '../notices/labels.js';
import riskFactorData from './data/risk-factors.json' with { type: 'json' };
import type { BreachRecord } from './get-breach.js';
import { describeEntry, fill } from './timeline-labels.js';
import { enisaTables } from './vocabularies.js';
import { formatInZone } from './zoned-time.js';


/**
 * One breach as a readable document (Art. 33(5): the register), in French as the register is kept or in
 * English. Every coded value goes through the labels (src/notices/data/labels.*.json, src/breaches/data):
 * no code reaches the reader.
 */
export function breachMarkdown(record: BreachRecord, zone: string, lang: Language = 'fr'): string {
  const L = labelsFor(lang);
  const r = L.register;
  const fld = r.fields;
  const f = record.facts;
  const date = (value: string | Date | null) => (value ? formatInZone(new Date(value), zone) : L.unknown);
  const list = (key: CodeList, codes: string[], other?: string | null) =>
    (codes.length > 0 ? codes.map((c) => labelOf(lang, key, c)).join(' ; ') : L.unknown) + (other ? ` (${other})` : '');
  const yesNo = (value: boolean | null) => (value === null ? L.unknown : value ? L.yes : L.no);
  const number = (value: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(value);
  const out: string[] = [];
  const line = (label: string, value: string) => out.push(`- ${label} : ${value}`.replace(' : ', lang === 'fr' ? ' : ' : ': '));

  out.push(`# ${fill(r.title, { id: record.id, title: record.title })}`, '');
  out.push(fill(r.statusLine, { status: r.status[record.status as keyof typeof r.status] ?? record.status, version: record.version, at: date(record.createdAt), by: record.createdBy }), '');
  out.push(`## ${r.sections.organisation}`, '');
  line(fld.organisation, record.organisation.name ?? r.notProvided);
  line(fld.dpo, record.dpo.contact ?? r.notProvided);
  out.push('', `## ${r.sections.facts}`, '');
  line(fld.summary, f.summary ?? r.notProvided);
  if (f.summaryForPeople) line(fld.summaryForPeople, f.summaryForPeople);
  line(fld.nature, list('natures', f.natures));
  line(fld.origin, list('origins', f.origins, f.originOther));
  line(fld.cause, list('causes', f.causes, f.causeOther));
  out.push(`- ${fill(fld.dates, { started: date(f.startedAt), discovered: date(f.discoveredAt), aware: date(f.awareAt), ended: date(f.endedAt) })}`);
  line(fld.circumstances, f.circumstances ?? r.notProvided);
  line(fld.personCategories, list('personCategories', f.personCategories, f.personCategoriesOther));
  line(fld.peopleCount, peopleCountLine(record, lang, number));
  line(fld.dataCategories, list('dataCategories', f.dataCategories, f.dataCategoriesOther));
  if (f.recipients) line(fld.recipients, r.recipients[f.recipients] + (f.recipientsCount !== null ? ` (${number(f.recipientsCount)})` : ''));
  if (f.recipientAction) line(fld.recipientAction, r.recipientAction[f.recipientAction]);
  if (f.exfiltration) line(fld.exfiltration, r.exfiltration[f.exfiltration]);
  if (f.insider !== null) line(fld.insider, yesNo(f.insider));
  if (f.backupAvailable !== null) line(fld.backup, yesNo(f.backupAvailable));
  if (f.restoreHours !== null) line(fld.restoreHours, number(f.restoreHours));
  if (f.fullPaymentCardData !== null) line(fld.fullPaymentCardData, yesNo(f.fullPaymentCardData));
  line(fld.consequences, list('consequences', f.consequences, f.consequencesDetail));
  line(fld.measuresDone, f.measures.immediate.join(' ; ') || r.noneGiven);
  line(fld.measuresPlanned, [...f.measures.mediumTerm, ...f.measures.longTerm].join(' ; ') || r.noneGiven);
  line(fld.peopleInformed, labelOf(lang, 'peopleInformed', f.peopleInformed) + (f.peopleInformedJustification ? ` — ${f.peopleInformedJustification}` : ''));
  if (f.delayReasons) line(fld.delayReasons, f.delayReasons);

  out.push('', `## ${r.sections.timeline}`, '', `| ${r.columns.date} | ${r.columns.event} | ${r.columns.by} |`, '|---|---|---|');
  for (const e of record.timeline) {
    const until = e.until ? ` → ${formatInZone(e.until, zone)}` : '';
    out.push(`| ${formatInZone(e.at, zone)}${until} | ${describeEntry(e, lang).replace(/\|/g, '\\|')} | ${e.actor ?? ''} |`);
  }
  out.push('', `## ${r.sections.exposure}`, '');
  for (const w of record.exposureWindows) {
    const [basis = '', ...rest] = w.basis.split(' ');
    const words = (r.exposureBasis[basis as keyof typeof r.exposureBasis] ?? basis) + (rest.length > 0 ? ` ${rest.join(' ').replace(/^snapshot:/, '')}` : '');
    out.push(`- ${formatInZone(w.from, zone)} → ${w.to ? formatInZone(w.to, zone) : r.ongoing} (${words})`);
  }
  out.push('', `## ${r.sections.people}`, '');
  for (const [status, n] of Object.entries(record.people.byStatus)) line(r.personStatus[status as keyof typeof r.personStatus] ?? status, number(n));
  if (record.people.overdue > 0) line(fld.overdue, number(record.people.overdue));
  out.push('', `## ${r.sections.assessment}`, '', ...assessmentLines(record, zone, lang));
  out.push('', `## ${r.sections.clocks}`, '');
  for (const clock of record.clocks) {
    const state = r.clockState[clock.state as keyof typeof r.clockState] ?? clock.state;
    out.push(`- ${clock[lang]} : ${clock.dueAt ? `${fld.dueAt} ${formatInZone(clock.dueAt, zone)}` : fld.waitingAware} — ${state}`.replace(' : ', lang === 'fr' ? ' : ' : ': '));
  }
  return `${out.join('\n')}\n`;
}

/** The number the register gives, and where it comes from: the DPO's estimate, or the people list once adopted. */
function peopleCountLine(record: BreachRecord, lang: Language, number: (n: number) => string): string {
  const fields = labelsFor(lang).form.fields;
  const f = record.facts;
  const listed = record.people;
  const estimate = f.peopleEstimate;
  const parts: string[] = [];
  const adopted = f.peopleCountFrom === 'people-list' && listed.total > 0;
  const value = adopted ? listed.total : (f.peopleCount ?? estimate?.max ?? null);
  parts.push(value === null ? labelsFor(lang).unknown : `${number(value)} (${adopted ? fields.countFromList : fields.countFromEstimate})`);
  if (estimate) parts.push(`${fill(fields.countEstimateRange, { min: number(estimate.min), max: number(estimate.max) })}, ${fill(fields.countEstimateBasis, { basis: estimate.basis })}`);
  if (listed.total > 0) {
    const sources = fill(fields.countListedSources, { accessLog: number(listed.bySource.accessLog), csv: number(listed.bySource.csv), manual: number(listed.bySource.manual) });
    parts.push(`${fields.countListed} : ${number(listed.total)}, ${sources}`.replace(' : ', lang === 'fr' ? ' : ' : ': '));
  }
  return parts.join(' ; ');
}

/** The recommendation and the DPO's decision, both, with any departure and its justification. */
function assessmentLines(record: BreachRecord, zone: string, lang: Language): string[] {
  const r = labelsFor(lang).register;
  const fld = r.fields;
  const colon = lang === 'fr' ? ' : ' : ': ';
  const out: string[] = [];
  const assessment = record.assessment;
  if (assessment) {
    const s = assessment.score;
    const band = enisaTables.bands.find((b) => b.code === s.band)?.[lang] ?? s.band;
    const decimal = (n: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 }).format(n);
    out.push(`- ${fld.score}${colon}${decimal(s.score)} (${band}) — DPC ${s.dpc} × EI ${decimal(s.ei)} + CB ${decimal(s.cb)}${s.dpcJustification ? ` ; ${fld.dpcJustified}${colon}${s.dpcJustification}` : ''}`);
    out.push(`- ${fld.recommendation} (${assessment.actor}, ${formatInZone(assessment.at, zone)})${colon}${assessment.recommendation.summary[lang]}`);
    for (const factor of assessment.recommendation.factors.filter((x) => x.status !== 'absent')) {
      const text = riskFactorData.factors[factor.code as keyof typeof riskFactorData.factors]?.[lang] ?? factor[lang];
      out.push(`  - ${factor.status === 'unknown' ? `${fld.factorUnknown} ` : ''}${text}`);
    }
  } else out.push(`- ${fld.noAssessment}`);
  const decision = record.decision;
  if (decision) {
    out.push(`- ${fill(fld.decision, { actor: decision.actor, at: formatInZone(decision.at, zone) })}${colon}${r.decisionAuthority[decision.authority]} ; ${r.decisionPeople[decision.people]}`);
    const outcomes = riskFactorData.outcomes as Record<'authority' | 'people', Record<string, { fr: string; en: string } | undefined>>;
    const advised = (field: 'authority' | 'people', code: string) => outcomes[field][code]?.[lang] ?? code;
    const decided = (field: 'authority' | 'people', code: string) => (field === 'authority' ? r.decisionAuthority[code as 'notify'] : r.decisionPeople[code as 'inform']) ?? code;
    for (const d of decision.departures) {
      out.push(`  - ${fld.departure} (${r.departureField[d.field]})${colon}${fill(fld.advised, { advised: advised(d.field, d.advised), decided: decided(d.field, d.decided) })}`);
    }
    if (decision.justification) out.push(`  - ${fld.justification}${colon}${decision.justification}`);
  } else out.push(`- ${fld.noDecision}`);
  return out;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The same document as a self-contained HTML page (no script, no external resource). */
export function breachHtml(record: BreachRecord, zone: string, lang: Language = 'fr'): string {
  const body = breachMarkdown(record, zone, lang)
    .split('\n')
    .map((line) => {
      const text = escapeHtml(line);
      if (line.startsWith('# ')) return `<h1>${text.slice(2)}</h1>`;
      if (line.startsWith('## ')) return `<h2>${text.slice(3)}</h2>`;
      if (line.startsWith('|---')) return '';
      if (line.startsWith('| ')) return `<tr>${line.slice(2, -2).split(' | ').map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
      if (line.startsWith('  - ')) return `<li class="sub">${text.slice(4)}</li>`;
      if (line.startsWith('- ')) return `<li>${text.slice(2)}</li>`;
      return line ? `<p>${text}</p>` : '';
    })
    .join('\n');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(record.title)}</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{border-bottom:1px solid #ddd;padding:.2rem .5rem}li.sub{margin-left:1.5rem}</style></head><body>\n${body.replace(/(<tr>[\s\S]*?<\/tr>\n?)+/g, (rows) => `<table>${rows}</table>`)}\n</body></html>\n`;
}
