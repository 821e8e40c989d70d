import type { DeliveryChannel } from './ports.js';

/** The message as a transport sees it. `reference` is Vigie's message id, sent as the idempotency key. */
export interface OutgoingMessage {
  reference: string;
  channel: DeliveryChannel;
  destination: string;
  subject: string | null;
  body: string;
  html: string | null;
}

export type SendOutcome =
  | { status: 'accepted'; providerMessageId: string | null; carrier?: string | null }
  /** Try again later (network error, 429, 5xx): the message goes back to the queue with backoff. */
  | { status: 'temporary'; reason: string }
  /** The provider refused this message for good (bad number, rejected address). */
  | { status: 'permanent'; reason: string };

/**
 * One provider. `idempotent` is true when the provider deduplicates on `reference`: a message whose
 * worker died mid-hand-off may then be handed off again safely; otherwise it is marked unknown instead
 * (never sent twice).
 */
export interface Transport {
  provider: string;
  channel: DeliveryChannel;
  idempotent: boolean;
  /** Messages per second allowed by the provider (shared by all instances). */
  ratePerSecond: number;
  send(message: OutgoingMessage): Promise<SendOutcome>;
  close?(): Promise<void>;
}
