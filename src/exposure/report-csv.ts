import type { ExposureReport } from './report.js';

const cell = (value: string | number) => {
  const text = String(value);
  // Quote when needed, and neutralise spreadsheet formulas (a value starting with = + - @).
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const line = (values: (string | number)[]) => `${values.map(cell).join(',')}\n`;

/** One row per (exposed person, receiver), grouped by person (or by receiver): what a DPO opens in a spreadsheet. */
export function reportToCsv(report: ExposureReport, by: 'person' | 'receiver'): string {
  let out = line(by === 'person'
    ? ['exposed_person', 'receiver', 'first_at', 'last_at', 'times', 'categories', 'reasons']
    : ['receiver', 'exposed_person', 'first_at', 'last_at', 'times', 'categories', 'reasons']);
  if (by === 'person') {
    for (const person of report.byPerson) {
      for (const r of person.receivers) out += line([person.subject, r.receiver, r.firstAt, r.lastAt, r.times, r.categories.join(' '), r.reasons.join(' ')]);
    }
  } else {
    for (const receiver of report.byReceiver) {
      for (const s of receiver.subjects) out += line([receiver.receiver, s.subject, s.firstAt, s.lastAt, s.times, s.categories.join(' '), s.reasons.join(' ')]);
    }
  }
  return out;
}
