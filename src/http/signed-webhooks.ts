import type { Logger } from '../logger.js';
import { createOutboundFetch, OutboundRefused, type OutboundPolicy } from './outbound.js';

export const signatureHeader = 'Vigie-Signature';

const encoder = new TextEncoder();
const toHex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** "sha256=<hex HMAC-SHA256 of the exact body bytes>"; the body carries `sentAt`, so a replay is visible. */
export async function signBody(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return `sha256=${toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(body)))}`;
}

/**
 * What a receiver of Vigie's alert webhooks checks (and the tests do): the HMAC of the exact body, a `sentAt`
 * within `toleranceSeconds` of its own clock, and a signature not seen before (pass a set kept for at least
 * the tolerance). Anything else is refused.
 */
export async function verifyWebhook(
  secret: string,
  body: string,
  header: string | null | undefined,
  now: Date,
  options: { toleranceSeconds?: number; seen?: Set<string> } = {},
): Promise<'ok' | 'missing' | 'malformed' | 'wrong' | 'stale' | 'replayed'> {
  if (!header) return 'missing';
  if (!/^sha256=[0-9a-f]{64}$/.test(header)) return 'malformed';
  const expected = await signBody(secret, body);
  let diff = expected.length ^ header.length;
  for (let i = 0; i < Math.min(expected.length, header.length); i++) diff |= expected.charCodeAt(i) ^ header.charCodeAt(i);
  if (diff !== 0) return 'wrong';
  let sentAt: number;
  try {
    sentAt = Date.parse((JSON.parse(body) as { sentAt?: string }).sentAt ?? '');
  } catch {
    return 'malformed';
  }
  if (!Number.isFinite(sentAt) || Math.abs(now.getTime() - sentAt) > (options.toleranceSeconds ?? 300) * 1000) return 'stale';
  if (options.seen) {
    if (options.seen.has(header)) return 'replayed';
    options.seen.add(header);
  }
  return 'ok';
}

/** Events not delivered after every retry, per kind ("exposure", "delivery alert"), since the process started (metrics). */
export const webhookFailures: Record<string, number> = {};

export interface WebhookSender {
  send(event: Record<string, unknown>): Promise<void>;
}

/**
 * Posts each event to every configured URL, signed, with a few retries (exposure and delivery alerts). Events carry counts, times and the
 * alert's id (where to read it with a token), never who was exposed: webhook receivers are chat rooms and
 * pagers, not places for personal data.
 */
export function createWebhookSender(options: {
  urls: string[];
  secret: string | undefined;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => Date;
  retries?: number;
  /** What the log lines call these webhooks ("exposure", "delivery alert"). */
  label?: string;
  /** Where webhooks may go (VIGIE_OUTBOUND_*): checked before each request and each redirect. */
  outbound?: OutboundPolicy | undefined;
}): WebhookSender {
  const label = options.label ?? 'exposure';
  const doFetch = options.outbound ? createOutboundFetch(options.outbound, options.fetch ?? fetch) : (options.fetch ?? fetch);
  const retries = options.retries ?? 3;
  return {
    async send(event) {
      if (options.urls.length === 0 || !options.secret) return;
      const body = JSON.stringify({ ...event, sentAt: (options.now?.() ?? new Date()).toISOString() });
      const signature = await signBody(options.secret, body);
      await Promise.all(
        options.urls.map(async (url, index) => {
          for (let attempt = 0; attempt <= retries; attempt++) {
            try {
              const response = await doFetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', [signatureHeader]: signature },
                body,
                signal: AbortSignal.timeout(5_000),
              });
              if (response.ok) return;
              options.logger.warn(`${label} webhook refused`, { webhook: index, status: response.status, attempt });
            } catch (error) {
              if (error instanceof OutboundRefused) {
                options.logger.warn(`${label} webhook refused by the outbound policy`, { webhook: index, reason: error.message });
                break;
              }
              options.logger.warn(`${label} webhook unreachable`, { webhook: index, attempt });
            }
            if (attempt < retries) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
          }
          webhookFailures[label] = (webhookFailures[label] ?? 0) + 1;
        }),
      );
    },
  };
}
