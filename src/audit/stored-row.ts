import type { AccessRecord, PrincipalKind } from './record.js';

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isTexts = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);
// A time with its offset (the writer's ISO form, or PostgreSQL's for rows moved into batches by a migration),
// read the same by Node and PostgreSQL.
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The text's day exists in its month (JavaScript would read 30 February as 2 March; PostgreSQL refuses it). */
function realDay(iso: string): boolean {
  const [year, month, day] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** One stored canonical row back into its record; null unless every field has its type (record.ts). */
function recordFromCanonical(row: unknown): AccessRecord | null {
  if (!Array.isArray(row) || row.length !== 15 || row[0] !== 1) return null;
  const [, at, requestId, traceId, principal, principalKind, sessionHmac, producedFor, subjects, categories, method, route, status, cacheStatus, clientHmac] = row;
  if (!isText(at) || !isoTime.test(at) || !isText(requestId) || !isTextOrNull(traceId) || !isTextOrNull(principal) || !isText(principalKind)) return null;
  if (!isTextOrNull(sessionHmac) || !isTextOrNull(producedFor) || !isTexts(subjects) || !isTexts(categories) || !isText(method) || !isText(route)) return null;
  if (!Number.isInteger(status) || !isTextOrNull(cacheStatus) || !isTextOrNull(clientHmac)) return null;
  const time = new Date(at);
  if (Number.isNaN(time.getTime()) || !realDay(at)) return null;
  return {
    at: time,
    requestId,
    traceId,
    principal,
    principalKind: principalKind as PrincipalKind,
    sessionHmac,
    producedFor,
    subjects,
    categories,
    method,
    route,
    status: status as number,
    cacheStatus,
    clientHmac,
  };
}

/**
 * A batch's stored `records` back into its records, in position order; undefined when the text is not a JSON
 * array (it was changed behind Vigie's back). An element that is not a well-formed row becomes null, so that
 * positions hold.
 */
export function recordsFromBatch(text: string): (AccessRecord | null)[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(parsed) ? parsed.map(recordFromCanonical) : undefined;
}
