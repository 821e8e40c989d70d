import type { DeliveryContext } from './context.js';
import { holdDrillMessages } from './exercise-guard.js';
import { monitorCampaigns } from './monitor.js';
import { claimMessages, completeFinishedCampaigns, recordOutcomes, recoverExpiredLeases, type Outcome } from './queue.js';
import { returnTokens, takeTokens } from './rate-limit.js';
import type { SendOutcome, Transport } from './transport.js';

export interface WorkerOptions {
  transports: Transport[];
  /** Messages claimed per round per provider. */
  batchSize?: number;
  /** Pause between rounds when nothing was due. */
  idleMs?: number;
  /** How often this instance runs the monitor (every instance may; alerts are stored once). */
  monitorEveryMs?: number;
}

/**
 * One round for one provider: recover dead workers' leases, take rate-limit tokens, claim that many due
 * messages, hand them off concurrently, record every outcome in one statement. Returns how many were
 * handed off.
 */
export async function runRound(ctx: DeliveryContext, transport: Transport, batchSize = 200, concurrency = 32): Promise<number> {
  const now = ctx.clock.now();
  await recoverExpiredLeases(ctx.db, transport.provider, transport.idempotent, now);
  const tokens = await takeTokens(ctx.db, transport.provider, batchSize, transport.ratePerSecond, now);
  if (tokens === 0) return 0;
  const claimed = await claimMessages(ctx.db, transport.provider, tokens, now, ctx.settings.leaseMs);
  await returnTokens(ctx.db, transport.provider, tokens - claimed.length, transport.ratePerSecond);
  if (claimed.length === 0) return 0;
  // A drill's messages never reach a transport (src/delivery/exercise-guard.ts).
  const send = await holdDrillMessages(ctx.db, claimed, now);
  const outcomes: Outcome[] = await mapWithConcurrency(
    send,
    concurrency,
    async (message) => {
      let outcome: SendOutcome;
      try {
        outcome = await transport.send({
          reference: String(message.id),
          channel: transport.channel,
          destination: message.destination,
          subject: message.subject,
          body: message.body,
          html: message.html,
        });
      } catch (error) {
        // A transport that throws did not say the message was refused: treat it as temporary.
        outcome = { status: 'temporary', reason: `transport error: ${(error as Error)?.name ?? 'Error'}` };
      }
      return { message, outcome };
    },
  );
  await recordOutcomes(ctx, transport.provider, outcomes, ctx.clock.now());
  const failed = outcomes.filter((o) => o.outcome.status !== 'accepted').length;
  ctx.logger.debug('delivery round', { provider: transport.provider, handed: claimed.length, notAccepted: failed });
  return claimed.length;
}

/** Like Promise.all over `items`, with at most `limit` calls in flight (providers cap connections). */
async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Sends until nothing is due for any provider (tests, the CLI's `--until-idle`). */
export async function drain(ctx: DeliveryContext, transports: Transport[], batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    let round = 0;
    for (const transport of transports) round += await runRound(ctx, transport, batchSize);
    total += round;
    if (round === 0) break;
  }
  await completeFinishedCampaigns(ctx.db, ctx.clock.now());
  return total;
}

/** The long-running worker loop; stops when `signal` aborts. */
export async function runWorker(ctx: DeliveryContext, options: WorkerOptions, signal: AbortSignal): Promise<void> {
  const idleMs = options.idleMs ?? 500;
  const monitorEveryMs = options.monitorEveryMs ?? 30_000;
  let lastMonitor = 0;
  while (!signal.aborted) {
    let handed = 0;
    try {
      for (const transport of options.transports) handed += await runRound(ctx, transport, options.batchSize);
      const now = ctx.clock.now().getTime();
      if (now - lastMonitor >= monitorEveryMs) {
        lastMonitor = now;
        await completeFinishedCampaigns(ctx.db, ctx.clock.now());
        await monitorCampaigns(ctx);
      }
    } catch (error) {
      ctx.logger.error('delivery worker round failed', { error: (error as Error)?.name ?? 'Error' });
    }
    if (handed === 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
  }
}
