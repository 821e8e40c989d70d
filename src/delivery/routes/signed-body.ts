import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.js';
import { ConflictError, UnauthorizedError, UnavailableError, ValidationError } from '../../http/errors.js';
import type { DeliveryContext } from '../context.js';
import { checkSignature, countRefusal, signatureHeader, type ReplayGuard } from '../signature.js';

/**
 * The body of a provider's webhook (receipts, bounces), verified before anything is parsed: providers hold
 * no staff token, so the HMAC of the exact bytes received (VIGIE_DELIVERY_RECEIPT_SECRET) is the
 * authentication. A missing, stale or wrong signature is a 401 and changes nothing.
 */
export async function readSignedBody<T extends z.ZodType>(c: Context<AppEnv>, ctx: DeliveryContext, replays: ReplayGuard, schema: T, what: string): Promise<z.output<T>> {
  const secret = ctx.settings.receiptSecret;
  if (!secret) throw new UnavailableError(`${what} are not accepted: VIGIE_DELIVERY_RECEIPT_SECRET is not set`);
  const raw = await c.req.text();
  const header = c.req.header(signatureHeader);
  const now = ctx.clock.now();
  const verdict = await checkSignature(secret, raw, header, now);
  const kind = what.toLowerCase();
  if (verdict !== 'ok') {
    countRefusal(kind, verdict);
    throw new UnauthorizedError(`The ${kind} signature is missing, stale or wrong`);
  }
  // A replay of an accepted request is refused (and counted); a provider's own retry signs afresh.
  if (!replays.accept(`${kind}|${header}`, now.getTime())) {
    countRefusal(kind, 'replayed');
    throw new ConflictError(`These ${kind} were already received with this signature`);
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
