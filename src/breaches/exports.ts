import type { BreachRecord, RegisterLine } from './get-breach.js';
import { labelOf } from './vocabularies.js';
import { formatInZone } from './zoned-time.js';

const columns = ['id', 'title', 'status', 'createdAt', 'awareAt', 'natures', 'dataCategories', 'peopleCount', 'population', 'decision', 'gdprDueAt', 'gdprState', 'overdue'] as const;

/** RFC 4180 cell; a leading =, +, - or @ is quoted with ' so that a spreadsheet does not run it. */
function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join('|') : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The register as CSV: one breach a line, dates in the zone with their offset. */
export function registerCsv(lines: RegisterLine[], zone: string): string {
  const date = (d: Date) => formatInZone(d, zone);
  const rows = lines.map((line) =>
    columns.map((column) => {
      const value = line[column];
      return cell(value instanceof Date ? date(value) : value);
    }).join(','),
  );
  return `${columns.join(',')}\r\n${rows.map((r) => `${r}\r\n`).join('')}`;
}

const list = (key: Parameters<typeof labelOf>[0], codes: string[]) => (codes.length > 0 ? codes.map((c) => labelOf(key, c)).join(' ; ') : 'Ne sait pas pour l’instant');

/** One breach as a readable document (French, as the register is kept), with its timeline. */
export function breachMarkdown(record: BreachRecord, zone: string): string {
  const f = record.facts;
  const date = (value: string | Date | null) => (value ? formatInZone(new Date(value), zone) : 'Ne sait pas pour l’instant');
  const out: string[] = [];
  out.push(`# Violation n° ${record.id} — ${record.title}`, '');
  out.push(`Statut : ${record.status} · version ${record.version} · ouverte le ${date(record.createdAt)} par ${record.createdBy}`, '');
  out.push('## Organisme', '', `- Organisme : ${record.organisation.name ?? 'non renseigné'}`, `- DPO / contact : ${record.dpo.contact ?? 'non renseigné'}`, '');
  out.push('## Faits', '');
  out.push(`- Résumé : ${f.summary ?? 'non renseigné'}`);
  out.push(`- Nature : ${list('natures', f.natures)}`);
  out.push(`- Origine : ${list('origins', f.origins)}${f.originOther ? ` (${f.originOther})` : ''}`);
  out.push(`- Cause : ${list('causes', f.causes)}`);
  out.push(`- Début : ${date(f.startedAt)} · Découverte : ${date(f.discoveredAt)} · Prise de connaissance : ${date(f.awareAt)} · Fin : ${date(f.endedAt)}`);
  out.push(`- Circonstances de la découverte : ${f.circumstances ?? 'non renseigné'}`);
  out.push(`- Catégories de personnes : ${list('personCategories', f.personCategories)}`);
  out.push(`- Nombre approximatif de personnes : ${f.peopleCount ?? 'Ne sait pas pour l’instant'} · population suivie : ${record.people.total}`);
  out.push(`- Données : ${list('dataCategories', f.dataCategories)}`);
  out.push(`- Conséquences probables : ${list('consequences', f.consequences)}`);
  out.push(`- Mesures immédiates : ${f.measures.immediate.join(' ; ') || 'aucune renseignée'}`);
  out.push(`- Mesures à moyen et long terme : ${[...f.measures.mediumTerm, ...f.measures.longTerm].join(' ; ') || 'aucune renseignée'}`);
  out.push(`- Information des personnes : ${labelOf('peopleInformed', f.peopleInformed)}${f.peopleInformedJustification ? ` — ${f.peopleInformedJustification}` : ''}`);
  if (f.delayReasons) out.push(`- Motifs du retard : ${f.delayReasons}`);
  out.push('', '## Chronologie', '', '| Date | Événement | Par |', '|---|---|---|');
  for (const e of record.timeline) {
    const until = e.until ? ` → ${formatInZone(e.until, zone)}` : '';
    out.push(`| ${formatInZone(e.at, zone)}${until} | ${e.summary.replace(/\|/g, '\\|')} | ${e.actor ?? ''} |`);
  }
  out.push('', '## Fenêtres d’exposition', '');
  for (const w of record.exposureWindows) out.push(`- ${formatInZone(w.from, zone)} → ${w.to ? formatInZone(w.to, zone) : 'en cours'} (${w.basis})`);
  out.push('', '## Personnes concernées', '', ...Object.entries(record.people.byStatus).map(([status, n]) => `- ${status} : ${n}`));
  out.push('', '## Évaluation et décision', '');
  if (record.assessment) {
    const s = record.assessment.score;
    out.push(`- Score ENISA : ${s.score} (${s.band}) — DPC ${s.dpc} × EI ${s.ei} + CB ${s.cb}${s.dpcJustification ? ` ; DPC justifié : ${s.dpcJustification}` : ''}`);
    out.push(`- Recommandation : ${record.assessment.recommendation.summary.fr}`);
    for (const factor of record.assessment.recommendation.factors.filter((x) => x.status !== 'absent')) out.push(`  - ${factor.status === 'unknown' ? '(inconnu) ' : ''}${factor.fr}`);
  } else out.push('- Pas encore évaluée');
  if (record.decision) out.push(`- Décision (${record.decision.actor}, ${date(record.decision.at)}) : autorité ${record.decision.authority}, personnes ${record.decision.people}. ${record.decision.justification}`);
  out.push('', '## Délais', '');
  for (const clock of record.clocks) out.push(`- ${clock.fr} : ${clock.dueAt ? formatInZone(clock.dueAt, zone) : 'en attente de la date de prise de connaissance'} — ${clock.state}`);
  return `${out.join('\n')}\n`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The same document as a self-contained HTML page (no script, no external resource). */
export function breachHtml(record: BreachRecord, zone: string): string {
  const body = breachMarkdown(record, zone)
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
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(record.title)}</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{border-bottom:1px solid #ddd;padding:.2rem .5rem}li.sub{margin-left:1.5rem}</style></head><body>\n${body.replace(/(<tr>[\s\S]*?<\/tr>\n?)+/g, (rows) => `<table>${rows}</table>`)}\n</body></html>\n`;
}
