import type { Generated, Selectable } from 'kysely';

export type MessageState = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'unknown' | 'cancelled';

/**
 * One message to one person for one campaign (unique on campaign + person). `destination` and the bodies
 * are personal data: they are stored as the evidence of what was sent, never logged.
 */
export interface DeliveryMessageTable {
  id: Generated<string>;
  campaign_id: string;
  person_id: string;
  segment: string | null;
  channel: string;
  provider: string;
  destination: string;
  carrier: string | null;
  /** 'provider': reported by the provider (its portability lookup); 'numbering-plan': inferred from ARCEP's block allocations. */
  carrier_source: 'provider' | 'numbering-plan' | null;
  subject: string | null;
  body: string;
  html: string | null;
  state: MessageState;
  attempts: Generated<number>;
  next_attempt_at: Date;
  lease_until: Date | null;
  provider_message_id: string | null;
  failure_reason: string | null;
  queued_at: Date;
  sending_at: Date | null;
  sent_at: Date | null;
  receipt_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  unknown_at: Date | null;
  cancelled_at: Date | null;
  /** When the channel's evidence of informing the person was met (cleared by a later bounce). */
  informed_at: Date | null;
}

export type DeliveryMessage = Selectable<DeliveryMessageTable>;
