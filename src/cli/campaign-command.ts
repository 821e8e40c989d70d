import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import type { DeliveryChannel } from '../delivery/ports.js';
import { createCampaign } from '../delivery/campaigns.js';
import { campaignActions, campaignProgress, changeCampaign, type CampaignAction } from '../delivery/control.js';
import { reconcile } from '../delivery/reconciliation.js';
import { resendCampaign } from '../delivery/resend.js';
import { registerPorts } from '../delivery/register-ports.js';
import { runWorker } from '../delivery/worker.js';
import { transportsFromConfig, workerContext } from '../entry/delivery-worker.js';
import { openDatabase } from '../entry/open-database.js';
import { createLogger } from '../logger.js';
import { loadConfig, UsageError, type Command } from './main.js';
import { progressBar } from './progress-bar.js';

const usage = 'campaign create|start|pause|resume|cancel|status|report|resend|work …';

/**
 * `vigie campaign …`: the same service functions as the API, on the configured database. Actions by a
 * person need --by and --reason (who and why are recorded); `work` runs a sending worker until SIGTERM.
 */
export const campaignCommand: Command = {
  summary: `delivery campaigns: ${usage}`,
  async run(args, env) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        draft: { type: 'string' },
        channel: { type: 'string' },
        segment: { type: 'string' },
        carrier: { type: 'string' },
        states: { type: 'string', default: 'failed,unknown' },
        by: { type: 'string' },
        reason: { type: 'string' },
        follow: { type: 'boolean', default: false },
        'batch-size': { type: 'string', default: '200' },
      },
      strict: true,
    });
    if (!sub) throw new UsageError(`usage: vigie ${usage}`);
    const config = loadConfig(env);
    const { db } = await openDatabase(config);
    const logger = createLogger(config.logLevel);
    const sender = workerContext(config, db, systemClock, logger);
    // Creating and resending read drafts and the register; sending needs neither.
    const ctx = { ...sender, ports: registerPorts({ config, db, clock: systemClock, logger, staffTokenVerifier: undefined }) };
    const actor = () => {
      if (!values.by || !values.reason) throw new UsageError(`campaign ${sub}: --by and --reason are required (who and why are recorded)`);
      return { subject: values.by, roles: ['cli'] };
    };
    const id = () => {
      const value = positionals[0];
      if (!value) throw new UsageError(`campaign ${sub}: give the campaign id`);
      return value;
    };
    try {
      if (sub === 'work') {
        const transports = transportsFromConfig(config);
        if (transports.length === 0) throw new UsageError('campaign work: set VIGIE_SMTP_URL and/or VIGIE_SMS_URL');
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        console.log(`worker started: ${transports.map((t) => `${t.provider} (${t.ratePerSecond}/s)`).join(', ')}`);
        await runWorker(sender, { transports, batchSize: Number(values['batch-size']) }, stop.signal);
        await Promise.all(transports.map((t) => t.close?.()));
        return 0;
      }
      if (sub === 'create') {
        if (!values.draft || !values.channel) throw new UsageError('campaign create: --draft and --channel are required');
        const bar = progressBar('queued');
        const created = await createCampaign(ctx, actor(), { draftId: values.draft, channel: values.channel as DeliveryChannel, segment: values.segment ?? null, reason: values.reason! }, (n) => bar(n, n));
        console.log(`campaign ${created.campaign.id}: ${created.queued} message(s) queued, ${created.withoutDestination} without an address (status ready)`);
        return 0;
      }
      if ((campaignActions as readonly string[]).includes(sub)) {
        const campaign = await changeCampaign(ctx, actor(), id(), sub as CampaignAction, values.reason!);
        console.log(`campaign ${campaign.id}: ${campaign.status}`);
        return 0;
      }
      if (sub === 'status') {
        const bar = progressBar('sent');
        for (;;) {
          const p = await campaignProgress(ctx, id());
          const total = Object.values(p.counts).reduce((a, b) => a + b, 0);
          if (values.follow) bar(total - p.counts.queued - p.counts.sending, total);
          else console.log(`campaign ${p.campaign.id} (${p.campaign.channel}, ${p.campaign.status}): ${Math.round(p.done * 100)}% done`);
          if (!values.follow || p.done >= 1 || p.campaign.status !== 'running') {
            console.log(Object.entries(p.counts).map(([state, n]) => `${state} ${n}`).join(' · '));
            return 0;
          }
          await new Promise((resolve) => setTimeout(resolve, 2_000));
        }
      }
      if (sub === 'report') {
        const report = await reconcile(ctx, id());
        console.log('dimension\tvalue\ttotal\taccepted\tdelivered\tfailed\tunknown\tpending\tfailure rate');
        for (const r of report.rows) console.log([r.dimension, r.value, r.total, r.accepted, r.delivered, r.failed, r.unknown, r.pending, `${(r.failureRate * 100).toFixed(1)} %`].join('\t'));
        for (const a of report.alerts) console.log(`ALERT ${a.kind}: ${a.detail}`);
        return 0;
      }
      if (sub === 'resend') {
        const states = values.states.split(',').map((s) => s.trim()) as ('failed' | 'unknown')[];
        const created = await resendCampaign(ctx, actor(), id(), { states, channel: values.channel as DeliveryChannel | undefined, carrier: values.carrier ?? null, segment: values.segment ?? null, reason: values.reason! });
        console.log(`campaign ${created.campaign.id}: resend of ${id()}, ${created.queued} message(s) queued (status ready)`);
        return 0;
      }
      throw new UsageError(`usage: vigie ${usage}`);
    } finally {
      await db.destroy();
    }
  },
};
