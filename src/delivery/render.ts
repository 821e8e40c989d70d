import { compilePersonalMessage } from '../notices/render-personal.js';
import type { Language } from '../notices/labels.js';
import type { DeliveryChannel, Person, RenderedMessage } from './ports.js';

/** Which draft part becomes which piece of a message, per channel (parts named in notices/documents.ts). */
export function messageFromParts(parts: Record<string, string>, channel: DeliveryChannel): RenderedMessage {
  if (channel === 'email') return { subject: parts['email-subject'] ?? null, text: parts['email-text'] ?? '', html: parts['email-html'] ?? null };
  if (channel === 'sms') return { text: parts.sms ?? '' };
  return { text: parts.letter ?? '', html: parts['letter-html'] ?? null };
}

/**
 * A renderer over an approved draft's parts with the drafts feature's own per-person compiler (issue 7):
 * templates parsed once, then one message per person.
 */
export function personalRenderer(draft: { lang: Language; parts: Record<string, string> }, channel: DeliveryChannel, timeZone: string): (person: Person) => RenderedMessage {
  const write = compilePersonalMessage(draft, timeZone);
  return (person) =>
    messageFromParts(
      write({ name: person.name ?? '', exposed: person.exposed ?? [], firstExposedAt: person.firstExposedAt ?? new Date(0), lastExposedAt: person.lastExposedAt }),
      channel,
    );
}
