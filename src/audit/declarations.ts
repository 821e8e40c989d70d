import { requestIdFrom } from '../http/request-id.js';

/**
 * What a protected service declares on a personal-data response (docs/architecture.md, "Gateway mode"), and the
 * other facts of a response that the record keeps. Runtime-neutral: callers pass a header getter.
 */
export const declarationHeaders = ['vigie-data-subjects', 'vigie-data-categories', 'vigie-produced-for'] as const;

/** Relations the origin declares on its responses (exposure/relation-header.ts). */
export const relationsHeader = 'vigie-relations';

/** Every Vigie header of a response: never sent on to the client. */
export const vigieResponseHeaders = [...declarationHeaders, relationsHeader] as const;

export interface Declaration {
  subjects: string[];
  categories: string[];
  producedFor: string | null;
}

type HeaderValue = string | string[] | number | null | undefined;
export type HeaderGetter = (name: string) => HeaderValue;

const maxItems = 1_000;
const maxLength = 200;
// Control characters never reach the store (the list separator is one of them).
const control = /[\u0000-\u001f\u007f]/g;

const text = (value: HeaderValue): string | undefined =>
  value === null || value === undefined ? undefined : Array.isArray(value) ? value.join(',') : String(value);

function list(value: HeaderValue): string[] {
  const raw = text(value);
  if (!raw) return [];
  const items: string[] = [];
  for (const part of raw.split(',')) {
    const item = part.replace(control, '').trim().slice(0, maxLength);
    if (item && !items.includes(item)) items.push(item);
    if (items.length >= maxItems) break;
  }
  return items;
}

/** The declaration on a response, or undefined when it carries no personal data. */
export function readDeclaration(get: HeaderGetter): Declaration | undefined {
  const subjects = list(get('vigie-data-subjects'));
  const categories = list(get('vigie-data-categories'));
  const producedFor = text(get('vigie-produced-for'))?.replace(control, '').trim().slice(0, maxLength) || null;
  if (subjects.length === 0 && categories.length === 0 && !producedFor) return undefined;
  return { subjects, categories, producedFor };
}

/** The cache's own word on the response, as seen by Vigie: a replayed response is visible here. */
export function readCacheStatus(get: HeaderGetter): string | null {
  const parts: string[] = [];
  const cf = text(get('cf-cache-status'));
  const xCache = text(get('x-cache'));
  const age = text(get('age'));
  if (cf) parts.push(`cf-cache-status=${cf.replace(control, '').slice(0, 64)}`);
  if (xCache) parts.push(`x-cache=${xCache.replace(control, '').slice(0, 64)}`);
  if (age) parts.push(`age=${age.replace(control, '').slice(0, 16)}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The path without its query string (query values are not kept). */
export function pathOf(url: string): string {
  const start = url.startsWith('/') ? 0 : url.indexOf('/', url.indexOf('//') + 2);
  const path = start < 0 ? '/' : url.slice(start);
  const end = path.search(/[?#]/);
  return (end < 0 ? path : path.slice(0, end)).slice(0, 2048) || '/';
}

const traceparent = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

export function traceIdOf(header: HeaderValue): string | null {
  const value = text(header);
  return (value && traceparent.exec(value.trim())?.[1]) || null;
}

export function requestIdOf(header: HeaderValue): string {
  return requestIdFrom(text(header));
}
