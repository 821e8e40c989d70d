import type { OutgoingMessage, SendOutcome, Transport } from './transport.js';

export interface SmsHttpOptions {
  provider: string;
  /** The provider's "send one message" endpoint. */
  url: string;
  token?: string | undefined;
  sender: string;
  ratePerSecond: number;
  /** Abort a hand-off that takes longer than this (then it is retried: the provider dedupes by reference). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The HTTP shape most SMS providers share: POST JSON `{from, to, text, reference}` with a bearer token,
 * answer 2xx with the provider's message id (`id`, `message_id`, `messageId` or `messages[0].id`).
 * `reference` is Vigie's message id: providers echo it in receipts and deduplicate on it, which is what
 * makes a re-hand-off after a crash safe (`idempotent`).
 */
export function createSmsHttpTransport(options: SmsHttpOptions): Transport {
  const send = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    provider: options.provider,
    channel: 'sms',
    idempotent: true,
    ratePerSecond: options.ratePerSecond,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      let res: Response;
      try {
        res = await send(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': message.reference,
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify({ from: options.sender, to: message.destination, text: message.body, reference: message.reference }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return { status: 'temporary', reason: `provider unreachable (${(error as Error)?.name ?? 'Error'})` };
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        return { status: 'temporary', reason: `provider answered ${res.status}` };
      }
      if (!res.ok) {
        // Only the status: the provider's text may quote the number.
        await res.body?.cancel();
        return { status: 'permanent', reason: `provider refused (${res.status})` };
      }
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      const first = Array.isArray(body.messages) ? (body.messages[0] as Record<string, unknown> | undefined) : undefined;
      const id = body.id ?? body.message_id ?? body.messageId ?? first?.id;
      // The network the provider's portability lookup found (a name or a mobile network code): the authority.
      const carrier = body.network ?? body.carrier ?? first?.network;
      return { status: 'accepted', providerMessageId: id === undefined ? null : String(id), carrier: typeof carrier === 'string' || typeof carrier === 'number' ? String(carrier) : null };
    },
  };
}
