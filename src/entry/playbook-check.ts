import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { playbookAlertSender } from '../playbooks/alerts.js';
import type { PlaybookFiles } from '../playbooks/catalog.js';
import { raiseOverdueAlerts } from '../playbooks/overdue.js';

/**
 * The overdue check inside `vigie serve`: every VIGIE_PLAYBOOK_CHECK_SECONDS, runs are re-read against their
 * breaches and each task past due raises its alert once (every instance may run it; the claim is atomic).
 */
export function startPlaybookCheck(config: Config, db: Db, clock: Clock, logger: Logger, playbooks: PlaybookFiles | undefined): { stop(): Promise<void> } {
  const sender = playbookAlertSender(config, logger);
  const deps = { db, clock, config, logger, ...(playbooks ? { playbooks } : {}) };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() =>
      raiseOverdueAlerts(deps, sender).catch((error: unknown) => logger.error('playbook check failed', { error: (error as Error)?.name ?? 'Error' })),
    );
  }, config.playbooks.checkSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
