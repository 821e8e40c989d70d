import { ValidationError, type FieldError } from '../http/errors.js';
import type { BreachActor, BreachDeps } from './breach-store.js';
import { addPopulation, personInput, type PersonInput } from './population.js';
import { parseDateInZone } from './zoned-time.js';

/**
 * A population as CSV: a header line naming the columns (person required; status, due, notes optional),
 * then one person a line. Dates may be local ("2019-11-21 18:00", the organisation's zone) or ISO with an
 * offset. All or nothing: any bad line and nothing is imported; every error names its line and column.
 */
export function parsePopulationCsv(text: string, timeZone: string): PersonInput[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const errors: FieldError[] = [];
  const known = ['person', 'status', 'due', 'notes'];
  if (!header.includes('person')) errors.push({ path: 'line 1', message: 'the header must name a "person" column' });
  header.forEach((name, i) => {
    if (!known.includes(name)) errors.push({ path: `line 1.column ${i + 1}`, message: `unknown column "${name.slice(0, 40)}"; expected ${known.join(', ')}` });
  });
  if (errors.length > 0) throw new ValidationError(errors);
  const people: PersonInput[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const cells = splitLine(line);
    const at = `line ${i + 1}`;
    if (cells.length !== header.length) {
      errors.push({ path: at, message: `has ${cells.length} columns, the header ${header.length}` });
      continue;
    }
    const value = (name: string) => {
      const index = header.indexOf(name);
      const cell = index >= 0 ? cells[index]?.trim() : undefined;
      return cell === '' ? undefined : cell;
    };
    const due = value('due');
    const dueAt = due === undefined ? null : parseDateInZone(due, timeZone);
    if (dueAt === undefined) errors.push({ path: `${at}.due`, message: 'must be a date like 2019-11-21 18:00 or ISO 8601 with an offset' });
    const candidate = { ref: value('person') ?? '', status: value('status') ?? 'identified', dueAt: dueAt ? dueAt.toISOString() : null, notes: value('notes') ?? null };
    const parsed = personInput.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = issue.path[0] === 'ref' ? 'person' : String(issue.path[0]);
        errors.push({ path: `${at}.${column}`, message: issue.message });
      }
    } else if (dueAt !== undefined) {
      const first = seen.get(candidate.ref);
      if (first !== undefined) errors.push({ path: `${at}.person`, message: `appears twice (first on line ${first})` });
      seen.set(candidate.ref, i + 1);
      people.push(candidate as PersonInput);
    }
    if (errors.length >= 100) break;
  }
  if (errors.length > 0) throw new ValidationError(errors);
  if (people.length === 0) throw new ValidationError([{ path: 'line 2', message: 'the file has no person' }]);
  return people;
}

/** Quoted cells ("a, b") and doubled quotes inside them, as spreadsheets write them. */
function splitLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === ';') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

export async function importPopulationCsv(deps: BreachDeps, breachId: string, csv: string, actor: BreachActor) {
  const people = parsePopulationCsv(csv, deps.config.timeZone);
  return addPopulation(deps, breachId, people, 'csv', actor);
}
