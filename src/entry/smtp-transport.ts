import nodemailer from 'nodemailer';
import type { OutgoingMessage, SendOutcome, Transport } from '../delivery/transport.js';

export interface SmtpTransportOptions {
  /** smtp://user:pass@host:port or smtps://… (the relay). */
  url: string;
  from: string;
  ratePerSecond: number;
  provider?: string;
  /** Connections kept open to the relay. */
  maxConnections?: number;
}

/**
 * E-mail through an SMTP relay with nodemailer (a driver: only entries may load it). A 4xx reply or a
 * lost connection is temporary (retried with backoff); a 5xx reply is a refusal. Relays do not
 * deduplicate, so the transport is not idempotent: a message whose worker died mid-hand-off is marked
 * unknown, never sent again automatically.
 */
export function createSmtpTransport(options: SmtpTransportOptions): Transport {
  const transporter = nodemailer.createTransport(options.url, { pool: true, maxConnections: options.maxConnections ?? 5 } as never);
  return {
    provider: options.provider ?? 'smtp',
    channel: 'email',
    idempotent: false,
    ratePerSecond: options.ratePerSecond,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      try {
        const info = await transporter.sendMail({
          from: options.from,
          to: message.destination,
          subject: message.subject ?? '',
          text: message.body,
          ...(message.html ? { html: message.html } : {}),
          messageId: `<vigie-${message.reference}@vigie.invalid>`,
          headers: { 'X-Vigie-Reference': message.reference },
        });
        if (info.rejected.length > 0) return { status: 'permanent', reason: 'relay refused the recipient' };
        return { status: 'accepted', providerMessageId: info.messageId ?? null };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500) return { status: 'permanent', reason: `relay refused (${code})` };
        return { status: 'temporary', reason: typeof code === 'number' ? `relay deferred (${code})` : `relay unreachable (${(error as { code?: string }).code ?? 'error'})` };
      }
    },
    async close() {
      transporter.close();
    },
  };
}
