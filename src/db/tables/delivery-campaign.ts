import type { Selectable } from 'kysely';

/** `preparing`: messages are being rendered and queued; nobody can start it yet. */
export type CampaignStatus = 'preparing' | 'ready' | 'running' | 'paused' | 'cancelled' | 'completed';

/** One approved draft sent to one population on one channel (issue 8). */
export interface DeliveryCampaignTable {
  id: string;
  breach_id: string;
  draft_id: string;
  channel: 'email' | 'sms' | 'letter';
  provider: string;
  segment: string | null;
  /** The campaign whose failed/unknown subset this one resends. */
  resend_of: string | null;
  status: CampaignStatus;
  total: number;
  created_at: Date;
  created_by: string;
  reason: string;
  started_at: Date | null;
  paused_at: Date | null;
  cancelled_at: Date | null;
  completed_at: Date | null;
}

export type DeliveryCampaign = Selectable<DeliveryCampaignTable>;
