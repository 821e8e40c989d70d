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
import { loadConfig } from './config.js';
import { defineCommand, defineGroup, UsageError, type OptionSpecs, type PositionalSpec } from './spec.js';
import { progressBar } from './progress-bar.js';

const by = { type: 'string', value: 'NAME', description: 'who acts (recorded)' } as const;
const reason = { type: 'string', value: 'TEXT', description: 'why (recorded)' } as const;
const campaignId = [{ name: 'campaign', description: 'the campaign id' }];

interface Values {
  draft?: string | undefined;
  channel?: string | undefined;
  segment?: string | undefined;
  carrier?: string | undefined;
  states: string;
  by?: string | undefined;
  reason?: string | undefined;
  follow?: boolean | undefined;
  'batch-size': string;
}

const leaf = (name: string, summary: string, options: OptionSpecs, positionals: PositionalSpec[] = campaignId) =>
  defineCommand({ name, summary, options, positionals, run: ({ values, positionals: given, env }) => runCampaign(name, given, { states: 'failed,unknown', 'batch-size': '200', ...values } as Values, env) });

/**
 * `vigie campaign …`: the same service functions as the API. Actions by a person need --by and --reason (who
 * and why are recorded); `work` runs a sending worker until SIGTERM.
 */
export const campaignCommand = defineGroup({
  name: 'campaign',
  summary: 'send an approved draft to the people concerned and follow its delivery',
  subcommands: [
    leaf('create', 'queue one message per person of the breach from an approved draft', {
      draft: { type: 'string', value: 'ID', required: true, description: 'the approved draft' },
      channel: { type: 'string', value: 'email|sms|letter', required: true, description: 'the channel (the draft must have its part)' },
      segment: { type: 'string', value: 'NAME', description: 'only this segment of the population' },
      by,
      reason,
    }, []),
    ...campaignActions.map((action) => leaf(action, `${action} the campaign`, { by, reason })),
    leaf('status', 'how far the campaign is, state by state', { follow: { type: 'boolean', description: 'keep printing until it is done' } }),
    leaf('report', 'reconciliation by channel, carrier and segment, with the alerts', {}),
    leaf('resend', 'queue again the messages in the given states', {
      states: { type: 'string', value: 'LIST', description: 'failed, unknown (comma-separated)', default: 'failed,unknown' },
      channel: { type: 'string', value: 'CHANNEL', description: 'resend on another channel' },
      carrier: { type: 'string', value: 'NAME', description: 'only the messages of this carrier' },
      segment: { type: 'string', value: 'NAME', description: 'only this segment' },
      by,
      reason,
    }),
    leaf('work', 'run a sending worker until SIGTERM (VIGIE_SMTP_URL and/or VIGIE_SMS_URL)', { 'batch-size': { type: 'string', value: 'N', description: 'messages claimed at a time', default: '200' } }, []),
  ],
});

async function runCampaign(sub: string, positionals: string[], values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  {
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
      throw new UsageError(`unknown subcommand ${sub}`);
    } finally {
      await db.destroy();
    }
  }
}
