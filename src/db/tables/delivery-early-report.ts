import type { Generated } from 'kysely';

/** A receipt or bounce naming a provider message id not recorded yet; applied when the hand-off lands. */
export interface DeliveryEarlyReportTable {
  id: Generated<string>;
  provider: string;
  provider_message_id: string;
  state: 'sent' | 'delivered' | 'failed';
  reason: string | null;
  carrier: string | null;
  received_at: Date;
}
