import type { Generated, Selectable } from 'kysely';

export type AlertKind = 'failure-rate' | 'receipts-missing' | 'refusal-rate' | 'bounce-rate';

/**
 * A delivery anomaly found by the monitor: one per anomaly, on the most specific slice of the campaign that
 * explains it (a carrier, a segment, both, or the whole campaign); at most one per campaign, kind, dimension
 * and value.
 */
export interface DeliveryAlertTable {
  id: Generated<string>;
  campaign_id: string;
  kind: AlertKind;
  /** 'campaign' | 'carrier' | 'segment' | 'carrier+segment' */
  dimension: string;
  /** 'all', the carrier, the segment, or "carrier / segment". */
  value: string;
  /** The slice: its carrier and segment (null: all of them). */
  carrier: string | null;
  segment: string | null;
  rate: number;
  baseline: number;
  sample: number;
  /** Messages of the campaign in the slice, the campaign's messages, and the share (0..1) they make. */
  affected: Generated<number>;
  campaign_total: Generated<number>;
  share: Generated<number>;
  window_start: Date;
  detected_at: Date;
  detail: string;
}

export type DeliveryAlert = Selectable<DeliveryAlertTable>;
