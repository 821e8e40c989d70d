import type { DeliveryChannel, RenderedMessage } from './ports.js';

/**
 * Which draft parts make each channel's message (parts named in notices/documents.ts): a channel needs at least
 * its body part. A draft written for SMS has no letter part; sending it as letters would print empty pages.
 */
const bodyParts: Record<DeliveryChannel, string[]> = {
  email: ['email-text', 'email-html'],
  sms: ['sms'],
  letter: ['letter', 'letter-html'],
};

/** True when a draft with these parts can fill this channel's message. */
export const draftFitsChannel = (parts: readonly string[], channel: DeliveryChannel): boolean => bodyParts[channel].some((part) => parts.includes(part));

/** The parts a channel reads, for the refusal's words. */
export const partsOfChannel = (channel: DeliveryChannel): readonly string[] => bodyParts[channel];

/** Which draft part becomes which piece of a message, per channel. */
export function messageFromParts(parts: Record<string, string>, channel: DeliveryChannel): RenderedMessage {
  if (channel === 'email') return { subject: parts['email-subject'] ?? null, text: parts['email-text'] ?? '', html: parts['email-html'] ?? null };
  if (channel === 'sms') return { text: parts.sms ?? '' };
  return { text: parts.letter ?? '', html: parts['letter-html'] ?? null };
}
