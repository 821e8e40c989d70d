import type { RegisterLine } from './get-breach.js';
import { formatInZone } from './zoned-time.js';

const columns = ['id', 'title', 'status', 'createdAt', 'awareAt', 'natures', 'dataCategories', 'peopleCount', 'population', 'decision', 'gdprDueAt', 'gdprState', 'overdue'] as const;

/** RFC 4180 cell; a leading =, +, - or @ is quoted with ' so that a spreadsheet does not run it. */
export function csvCell(value: unknown): string {
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
      return csvCell(value instanceof Date ? date(value) : value);
    }).join(','),
  );
  return `${columns.join(',')}\r\n${rows.map((r) => `${r}\r\n`).join('')}`;
}

// The document of one breach lives in register-document.ts; kept reachable here for existing callers.
export { breachHtml, breachMarkdown } from './register-document.js';
