import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError, ValidationError, type FieldError } from './errors.js';

/**
 * The size limit of request bodies on Vigie's own routes, answered 413 before anything reads the body:
 * from Content-Length when there is one, while streaming otherwise. CSV uploads (population imports) have a
 * limit of their own (VIGIE_MAX_UPLOAD_BYTES); everything else VIGIE_MAX_BODY_BYTES.
 */
export function limitBodies(limits: { jsonBytes: number; uploadBytes: number }): MiddlewareHandler {
  const tooLarge = (max: number) => () => {
    throw new PayloadTooLargeError(`The request body is larger than ${max} bytes`);
  };
  const json = bodyLimit({ maxSize: limits.jsonBytes, onError: tooLarge(limits.jsonBytes) });
  const upload = bodyLimit({ maxSize: limits.uploadBytes, onError: tooLarge(limits.uploadBytes) });
  return function limitBodies(c, next) {
    const type = c.req.header('content-type') ?? '';
    return (/^text\/csv\b/i.test(type) ? upload : json)(c, next);
  };
}

/** Longest string accepted anywhere in a JSON body; fields with their own (smaller) bound keep it. */
export const maxStringLength = 65_536;

// C0 and C1 controls other than tab, line feed and carriage return, non-characters, and lone surrogates:
// none belongs in a breach record, and PostgreSQL refuses NUL and unpaired surrogates (a 500 otherwise).
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const plainKey = /^[A-Za-z0-9_.-]{1,64}$/;
// A string shaped like an ISO 8601 date-time: its year must be one a breach, a window or a filing can have.
// Year 0 or 10000 passes the schemas' patterns but PostgreSQL refuses it (a 500 otherwise), and JavaScript's
// Date takes years up to 275760.
const isoDateTime = /^([+-]\d{6}|\d{4,})-\d{2}-\d{2}T/;
export const dateYears = { min: 1900, max: 2999 };

/**
 * A JSON body's checks before its schema's (defineRoute adds it to every route that takes JSON): malformed
 * JSON, fields the route does not know (top level), strings with control characters or lone surrogates, and
 * strings longer than maxStringLength, each named by its path. The parsed body is Hono's cached one: the
 * schema validator that follows does not parse it again.
 */
export function checkJsonBody(knownFields: ReadonlySet<string> | undefined): MiddlewareHandler {
  return async function checkJsonBody(c, next) {
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) return next();
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ValidationError([{ path: 'body', message: 'is not valid JSON' }]);
    }
    const errors: FieldError[] = [];
    if (knownFields && body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const key of Object.keys(body)) {
        if (knownFields.has(key)) continue;
        // The name is the client's text: quoted back only when it is a plain identifier.
        errors.push(plainKey.test(key) ? { path: `body.${key}`, message: 'is not a field of this request' } : { path: 'body', message: 'has a field this request does not know' });
      }
    }
    walk(body, 'body', errors, 0);
    if (errors.length > 0) throw new ValidationError(errors.slice(0, 50));
    return next();
  };
}

function walk(value: unknown, path: string, errors: FieldError[], depth: number): void {
  if (errors.length >= 50) return;
  if (typeof value === 'string') {
    if (value.length > maxStringLength) errors.push({ path, message: `must be at most ${maxStringLength} characters` });
    else if (forbidden.test(value)) errors.push({ path, message: 'must not contain control characters or unpaired surrogates' });
    else {
      const year = isoDateTime.exec(value)?.[1];
      if (year !== undefined && (Number(year) < dateYears.min || Number(year) > dateYears.max)) {
        errors.push({ path, message: `must be a date between the years ${dateYears.min} and ${dateYears.max}` });
      }
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth > 32) {
    errors.push({ path, message: 'is nested too deeply' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${path}.${index}`, errors, depth + 1));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (forbidden.test(key) || key.length > 200) {
      errors.push({ path, message: 'has a field name with control characters or too long' });
      continue;
    }
    walk(item, plainKey.test(key) ? `${path}.${key}` : path, errors, depth + 1);
  }
}
