import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.js';
import { UnauthorizedError, UnavailableError, ValidationError } from '../../http/errors.js';
import type { DeliveryContext } from '../context.js';
import { signatureHeader, verifySignature } from '../signature.js';

/**
 * The body of a provider's webhook (receipts, bounces), verified before anything is parsed: providers hold
 * no staff token, so the HMAC of the exact bytes received (VIGIE_DELIVERY_RECEIPT_SECRET) is the
 * authentication. A missing, stale or wrong signature is a 401 and changes nothing.
 */
export async function readSignedBody<T extends z.ZodType>(c: Context<AppEnv>, ctx: DeliveryContext, schema: T, what: string): Promise<z.output<T>> {
  const secret = ctx.settings.receiptSecret;
  if (!secret) throw new UnavailableError(`${what} are not accepted: VIGIE_DELIVERY_RECEIPT_SECRET is not set`);
  const raw = await c.req.text();
  if (!(await verifySignature(secret, raw, c.req.header(signatureHeader), ctx.clock.now()))) {
    throw new UnauthorizedError(`The ${what.toLowerCase()} signature is missing, stale or wrong`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ValidationError([{ path: 'body', message: 'is not JSON' }]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((issue) => ({ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message })));
  }
  return parsed.data;
}
