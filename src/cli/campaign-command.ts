import { parseDuration } from '../auth/mint-staff-token.js';
import { systemClock } from '../clock.js';
import { runWorker } from '../delivery/worker.js';
import { transportsFromConfig, workerContext } from '../entry/delivery-worker.js';
import { openDatabase } from '../entry/open-database.js';
import { createLogger } from '../logger.js';
import type { ApiClient } from './api-client.js';
import { loadConfig } from './config.js';
import { connectionOptions, withConnection } from './connect.js';
import { progressBar } from './progress-bar.js';
import { defineCommand, defineGroup, UsageError, type OptionSpecs, type PositionalSpec } from './spec.js';

const reason = { type: 'string', value: 'TEXT', required: true, description: 'why (recorded with your name, from the token)' } as const;
const campaignId = [{ name: 'campaign', description: 'the campaign id' }];
const actions = ['start', 'pause', 'resume', 'cancel'] as const;

interface Values {
  draft?: string;
  channel?: string;
  segment?: string;
  carrier?: string;
  states?: string;
  'silent-after'?: string;
  at?: string;
  reason?: string;
  follow?: boolean;
  url?: string;
  token?: string;
}

interface Campaign {
  id: string;
  channel: string;
  status: string;
}
interface Progress {
  campaign: Campaign;
  counts: Record<string, number>;
  accepted: number;
  informed: number;
  silent: number;
  silentAfterMinutes: number;
  carriers: { carrier: string; accepted: number; delivered: number; failed: number; silent: number; inferred: number }[];
  done: number;
}
interface Reconciliation {
  silentAfterMinutes: number;
  rows: { dimension: string; value: string; total: number; accepted: number; delivered: number; failed: number; unknown: number; pending: number; informed: number; silent: number; inferred: number; failureRate: number }[];
  alerts: { kind: string; detail: string }[];
}

/** "30m", "2h", "90s" as whole minutes (the API counts silence in minutes). */
function minutesOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = /^\d+$/.test(text) ? Number(text) * 60 : parseDuration(text);
  if (!seconds || seconds % 60 !== 0 || seconds / 60 > 1440) throw new UsageError('--silent-after must be whole minutes up to a day: 30m, 2h, 45');
  return seconds / 60;
}

/** Through the API as the token's holder (comms or admin to act; comms, dpo, auditor or admin to read). */
const leaf = (name: string, summary: string, options: OptionSpecs, positionals: PositionalSpec[], act: (client: ApiClient, base: string, values: Values, id: string) => Promise<void>) =>
  defineCommand({
    name,
    summary,
    options: { ...options, ...connectionOptions },
    positionals,
    run: ({ values, positionals: given, env }) =>
      withConnection(values, env, async ({ client, config }) => {
        await act(client, `${config.adminPrefix}/delivery/campaigns`, values as Values, encodeURIComponent(given[0] ?? ''));
        return 0;
      }),
  });

const create = leaf(
  'create',
  'queue one message per person of the breach from an approved draft (status ready: nothing leaves before start)',
  {
    draft: { type: 'string', value: 'ID', required: true, description: 'the approved draft' },
    channel: { type: 'string', value: 'email|sms|letter', required: true, description: 'the channel (the draft must have its part)' },
    segment: { type: 'string', value: 'NAME', description: 'only this segment of the population' },
    reason,
  },
  [],
  async (client, base, values) => {
    const created = await client.request<{ campaign: Campaign; queued: number; withoutDestination: number }>('POST', base, { draftId: values.draft, channel: values.channel, segment: values.segment ?? null, reason: values.reason });
    console.log(`campaign ${created.campaign.id}: ${created.queued} message(s) queued, ${created.withoutDestination} without an address (status ${created.campaign.status})`);
  },
);

const changes = actions.map((action) =>
  leaf(action, `${action} the campaign`, { reason }, campaignId, async (client, base, values, id) => {
    const campaign = await client.request<Campaign>('POST', `${base}/${id}/${action}`, { reason: values.reason });
    console.log(`campaign ${campaign.id}: ${campaign.status}`);
  }),
);

const progressLine = (p: Progress) =>
  `campaign ${p.campaign.id} (${p.campaign.channel}, ${p.campaign.status}): ${Math.round(p.done * 100)}% done; ${p.informed} informed, ${p.silent} silent (no receipt after ${p.silentAfterMinutes} min)`;

const status = leaf('status', 'how far the campaign is: messages per state, informed and silent counts, per carrier', { follow: { type: 'boolean', description: 'keep printing until it is done' } }, campaignId, async (client, base, values, id) => {
  const bar = progressBar('sent');
  for (;;) {
    const p = await client.request<Progress>('GET', `${base}/${id}`);
    const total = Object.values(p.counts).reduce((a, b) => a + b, 0);
    if (values.follow) bar(total - (p.counts.queued ?? 0) - (p.counts.sending ?? 0), total);
    if (!values.follow || p.done >= 1 || p.campaign.status !== 'running') {
      console.log(progressLine(p));
      console.log(Object.entries(p.counts).map(([state, n]) => `${state} ${n}`).join(' · '));
      for (const c of p.carriers) console.log(`  ${c.carrier}: accepted ${c.accepted}, delivered ${c.delivered}, failed ${c.failed}, silent ${c.silent}${c.inferred ? ` (${c.inferred} inferred from the numbering plan)` : ''}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
});

const report = leaf(
  'report',
  'reconciliation by carrier, segment and provider (accepted, delivered, informed, silent, failed), with the alerts',
  { 'silent-after': { type: 'string', value: 'DURATION', description: 'what counts as silent: no receipt after this long (30m; default VIGIE_DELIVERY_SILENT_AFTER_SECONDS)' } },
  campaignId,
  async (client, base, values, id) => {
    const minutes = minutesOf(values['silent-after']);
    const r = await client.request<Reconciliation>('GET', `${base}/${id}/reconciliation${minutes ? `?silentAfterMinutes=${minutes}` : ''}`);
    console.log('dimension\tvalue\ttotal\taccepted\tdelivered\tinformed\tsilent\tfailed\tunknown\tpending\tfailure rate');
    for (const row of r.rows) {
      console.log([row.dimension, `${row.value}${row.inferred ? ' (inferred)' : ''}`, row.total, row.accepted, row.delivered, row.informed, row.silent, row.failed, row.unknown, row.pending, `${(row.failureRate * 100).toFixed(1)} %`].join('\t'));
    }
    console.log(`silent: accepted with no receipt after ${r.silentAfterMinutes} min`);
    for (const a of r.alerts) console.log(`ALERT ${a.kind}: ${a.detail}`);
  },
);

const resend = leaf(
  'resend',
  'a new campaign for the failed, unknown and/or silent messages, on the same or another channel',
  {
    states: { type: 'string', value: 'LIST', description: 'failed, unknown, silent (comma-separated)', default: 'failed,unknown' },
    'silent-after': { type: 'string', value: 'DURATION', description: 'with silent: no receipt after this long (30m)' },
    channel: { type: 'string', value: 'CHANNEL', description: 'resend on another channel' },
    carrier: { type: 'string', value: 'NAME', description: 'only the messages of this carrier' },
    segment: { type: 'string', value: 'NAME', description: 'only this segment' },
    reason,
  },
  campaignId,
  async (client, base, values, id) => {
    const minutes = minutesOf(values['silent-after']);
    const body = {
      states: (values.states ?? 'failed,unknown').split(',').map((s) => s.trim()),
      ...(minutes ? { silentAfterMinutes: minutes } : {}),
      ...(values.channel ? { channel: values.channel } : {}),
      ...(values.carrier ? { carrier: values.carrier } : {}),
      ...(values.segment ? { segment: values.segment } : {}),
      reason: values.reason,
    };
    const created = await client.request<{ campaign: Campaign; queued: number }>('POST', `${base}/${id}/resend`, body);
    console.log(`campaign ${created.campaign.id}: resend of ${decodeURIComponent(id)}, ${created.queued} message(s) queued (status ${created.campaign.status})`);
  },
);

const posted = leaf(
  'posted',
  "record that the print house posted the exported letters (the letter channel's evidence of informing)",
  { at: { type: 'string', value: 'ISO', description: 'when they were posted, with an offset (default now)' }, reason },
  campaignId,
  async (client, base, values, id) => {
    const result = await client.request<{ posted: number }>('POST', `${base}/${id}/letters/posted`, { reason: values.reason, ...(values.at ? { postedAt: values.at } : {}) });
    console.log(`campaign ${decodeURIComponent(id)}: ${result.posted} letter(s) recorded as posted`);
  },
);

/** A sending worker is a process, not a person's action: it opens the database of this machine itself. */
const work = defineCommand({
  name: 'work',
  summary: 'run a sending worker until SIGTERM (VIGIE_SMTP_URL and/or VIGIE_SMS_URL), on DATABASE_URL',
  options: { 'batch-size': { type: 'string', value: 'N', description: 'messages claimed at a time', default: '200' } },
  async run({ values, env }) {
    const config = loadConfig(env);
    const transports = transportsFromConfig(config);
    if (transports.length === 0) throw new UsageError('set VIGIE_SMTP_URL and/or VIGIE_SMS_URL');
    const { db } = await openDatabase(config);
    try {
      const sender = workerContext(config, db, systemClock, createLogger(config.logLevel));
      const stop = new AbortController();
      process.once('SIGTERM', () => stop.abort());
      process.once('SIGINT', () => stop.abort());
      console.log(`worker started: ${transports.map((t) => `${t.provider} (${t.ratePerSecond}/s)`).join(', ')}`);
      await runWorker(sender, { transports, batchSize: Number(values['batch-size']) }, stop.signal);
      await Promise.all(transports.map((t) => t.close?.()));
    } finally {
      await db.destroy();
    }
  },
});

export const campaignCommand = defineGroup({
  name: 'campaign',
  summary: 'send an approved draft to the people concerned and follow its delivery',
  notes: ["Through a running Vigie (--url) or this machine's database, as the holder of --token (comms or admin; reading: also dpo, auditor)."],
  subcommands: [create, ...changes, status, report, resend, posted, work],
});
