import type { Db } from '../db/database.js';
import { breachIdOf, loadBreach } from './breach-store.js';
import { csvCell } from './exports.js';
import { formatInZone } from './zoned-time.js';

/**
 * The import's columns (person, status, due, notes) come first, as population-csv.ts reads them; what the
 * register knows besides (what of theirs was exposed, when, where the person came from) follows, for reading.
 */
export const populationCsvColumns = ['person', 'status', 'due', 'notes', 'exposed', 'first', 'last', 'source'] as const;

/** A breach's whole population as CSV, one person a line in identifier order, dates in the zone with their offset. */
export async function populationCsv(db: Db, breachId: string, zone: string): Promise<string> {
  const id = breachIdOf(breachId);
  await loadBreach(db, id);
  const rows = await db.selectFrom('breach_person').selectAll().where('breach_id', '=', id).orderBy('person_ref').execute();
  const date = (value: Date | null) => (value ? formatInZone(new Date(value), zone) : '');
  const lines = rows.map((row) =>
    [row.person_ref, row.status, date(row.due_at), row.notes, Array.isArray(row.exposed) ? row.exposed : null, date(row.first_at), date(row.last_at), row.source].map(csvCell).join(','),
  );
  return `${populationCsvColumns.join(',')}\r\n${lines.map((line) => `${line}\r\n`).join('')}`;
}
