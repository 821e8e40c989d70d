import type { Generated, Selectable } from 'kysely';

/** A delivery anomaly found by the monitor; at most one per campaign, kind, dimension and value. */
export interface DeliveryAlertTable {
  id: Generated<string>;
  campaign_id: string;
  kind: 'failure-rate' | 'receipts-missing';
  /** 'carrier' | 'provider' | 'channel' | 'segment' | 'campaign' */
  dimension: string;
  value: string;
  rate: number;
  baseline: number;
  sample: number;
  window_start: Date;
  detected_at: Date;
  detail: string;
}

export type DeliveryAlert = Selectable<DeliveryAlertTable>;
