import type { z } from 'zod';
import { ConflictError, ValidationError, type FieldError } from '../../http/errors.js';
import type { PageContext } from '../page.js';

/**
 * Every field of the posted form, repeated ones (a group of checkboxes) as lists and files as files. The body
 * was read once for the CSRF check; Hono keeps it, so this reads it again without a second stream.
 */
export async function postedFields(ctx: PageContext): Promise<Record<string, string | string[] | File>> {
  if (ctx.c.req.method !== 'POST') return {};
  const body = await ctx.c.req.parseBody({ all: true });
  const fields: Record<string, string | string[] | File> = {};
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) fields[key] = value.filter((v): v is string => typeof v === 'string');
    else fields[key] = value as string | File;
  }
  return fields;
}

/** A checkbox group's values: none checked is an empty list. */
export const listOf = (fields: Record<string, unknown>, name: string): string[] => {
  const value = fields[name];
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
};

/**
 * Reads a form's input with the API's own schema (the same zod object the route validates its JSON with), so
 * that the console accepts and refuses exactly what the API does; each error names the form's field.
 */
export function parseAs<T extends z.ZodType>(schema: T, input: unknown, fieldOf: (path: string) => string = (path) => path): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(dedupe(result.error.issues.map((issue) => ({ path: fieldOf(issue.path.map(String).join('.')), message: issue.message }))));
}

/** The service's field errors named as the form's fields; a conflict (someone changed it meanwhile) shown on the form. */
export async function asForm<T>(work: Promise<T>, fieldOf: (path: string) => string = (path) => path): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(dedupe(error.errors.map((e) => ({ ...e, path: fieldOf(e.path.replace(/^body\./, '')) }))));
    if (error instanceof ConflictError) throw new ValidationError([{ path: 'form', message: error.message }]);
    throw error;
  }
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "" → null, else the trimmed text (the register's « Ne sait pas pour l'instant » is null). */
export const textOrNull = (value: unknown): string | null => {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? null : text;
};

/** One item a line (measures, advice); blank lines dropped. */
export const lines = (value: unknown): string[] =>
  (typeof value === 'string' ? value : '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/** A whole number typed; anything else is passed on as typed, for the schema to refuse by name. */
export const numberOrNull = (value: unknown): number | string | null => {
  const text = typeof value === 'string' ? value.trim().replace(/[\s\u202f\u00a0]/g, '') : '';
  if (text === '') return null;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
};

/** yes / no / not known yet. */
export const booleanOrNull = (value: unknown): boolean | null => (value === 'true' ? true : value === 'false' ? false : null);
