import channels from './data/channels.json' with { type: 'json' };
import rules from './data/anomaly-rules.json' with { type: 'json' };
import type { AlertKind } from '../db/tables/delivery-alert.js';
import type { DeliveryChannel } from './ports.js';

/** What a channel reports, what counts as having informed someone through it, and which anomalies it can show. */
export interface ChannelRules {
  evidence: 'receipt' | 'relay-acceptance' | 'posted';
  informedWhen: string;
  informedEvidence: string;
  notInformedEvidence: string;
  why: string;
  /** True when the provider sends delivery receipts: only then can a message be "silent". */
  receipts: boolean;
  anomalies: AlertKind[];
}

export const channelRules = channels.channels as Record<DeliveryChannel, ChannelRules>;

export interface AnomalyRule {
  counts: string;
  hits: string;
  minSample: number;
  minRate: number;
  minRatio: number;
  minExcess: number;
  slowAfterSeconds?: number;
}

export const anomalyRules = rules as { windowSeconds: number; historyDays: number; kinds: Record<AlertKind, AnomalyRule> };

/** The channels whose messages get receipts (the others are never "silent" nor "unknown" for lack of one). */
export const receiptChannels = (Object.keys(channelRules) as DeliveryChannel[]).filter((channel) => channelRules[channel].receipts);

export const channelLabel: Record<DeliveryChannel, string> = { sms: 'SMS', email: 'e-mail', letter: 'letter' };
