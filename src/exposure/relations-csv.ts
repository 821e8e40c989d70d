import type { FieldError } from '../http/errors.js';
import { readRelation, type Relation } from './relations.js';

/**
 * The CSV the service exports: a header naming the columns (any order) `principal,subject,valid_from`
 * and optionally `valid_to,kind`; RFC 4180 quoting. Errors name the line (1 = the header).
 */
export interface CsvRelations {
  relations: Relation[];
  /** One per bad line, "line 7: valid_from: must be …". */
  errors: FieldError[];
  badLines: number;
  lines: number;
}

/** Splits one CSV record; returns undefined for an unterminated quote (the line is then reported). */
function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields.map((f) => f.trim());
}

const required = ['principal', 'subject', 'valid_from'] as const;
const known = new Set(['principal', 'subject', 'valid_from', 'valid_to', 'kind']);

export function parseRelationsCsv(text: string, zone: string): CsvRelations {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = splitCsvLine((lines[0] ?? '').replace(/^\uFEFF/, ''))?.map((h) => h.toLowerCase()) ?? [];
  const headerErrors: FieldError[] = [];
  for (const name of required) if (!header.includes(name)) headerErrors.push({ path: 'line 1', message: `the header must name the column "${name}"` });
  for (const name of header) if (!known.has(name)) headerErrors.push({ path: 'line 1', message: `unknown column "${name}" (known: ${[...known].join(', ')})` });
  if (headerErrors.length > 0) return { relations: [], errors: headerErrors, badLines: 1, lines: Math.max(0, lines.length - 1) };
  const column = (name: string) => header.indexOf(name);
  const at = { principal: column('principal'), subject: column('subject'), from: column('valid_from'), to: column('valid_to'), kind: column('kind') };
  const relations: Relation[] = [];
  const errors: FieldError[] = [];
  let badLines = 0;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const path = `line ${i + 1}`;
    const fields = splitCsvLine(raw);
    if (!fields || fields.length !== header.length) {
      errors.push({ path, message: fields ? `expected ${header.length} fields, found ${fields.length}` : 'unterminated quoted field' });
      badLines++;
      continue;
    }
    const lineErrors: FieldError[] = [];
    const relation = readRelation(
      {
        principal: fields[at.principal]!,
        subject: fields[at.subject]!,
        validFrom: fields[at.from]!,
        validTo: at.to >= 0 ? fields[at.to] : undefined,
        kind: at.kind >= 0 ? fields[at.kind] : undefined,
      },
      zone,
      path,
      lineErrors,
    );
    if (relation) relations.push(relation);
    else {
      badLines++;
      // "line 7.validFrom" reads better as "line 7: valid_from" (the CSV's own column names).
      const names: Record<string, string> = { validFrom: 'valid_from', validTo: 'valid_to' };
      for (const e of lineErrors) {
        const field = e.path.slice(path.length + 1);
        errors.push({ path, message: `${names[field] ?? field}: ${e.message}` });
      }
    }
  }
  return { relations, errors, badLines, lines: lines.length - 1 };
}
