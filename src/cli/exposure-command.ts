import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../entry/open-database.js';
import { ValidationError } from '../http/errors.js';
import { checkPending } from '../exposure/check-pending.js';
import { catchUpAlerts } from '../exposure/live-detection.js';
import { createLogger } from '../logger.js';
import { reportToCsv } from '../exposure/report-csv.js';
import { buildExposureReport } from '../exposure/report.js';
import { createSnapshot } from '../exposure/snapshots.js';
import { parseWindow } from '../exposure/window.js';
import { loadConfig, UsageError, type Command } from './main.js';
import { progressBar } from './progress-bar.js';

const usage = `usage:
  vigie exposure report --from "2020-03-31 11:45" --to "2020-03-31 15:15" [--zone Europe/Paris]
                        [--out report.csv|report.json] [--by person|receiver]
  vigie exposure snapshot --name pajemploi-2020-03-31 --reason "…" --from … --to … [--zone …]
  vigie exposure check      (check the log batches live detection did not: detection off, a crash, an import)`;

/** Wall-time pieces of a quarter of an hour: a progress bar that moves, without changing the result. */
const chunksFor = (from: Date, to: Date) => Math.min(200, Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 900_000)));

export const exposureCommand: Command = {
  summary: 'exposure report / snapshot over a window (local time or UTC), to CSV or JSON; check unchecked log batches',
  async run(args, env) {
    const [action, ...rest] = args;
    if (action === 'check') return check(rest, env);
    const { values } = parseArgs({
      args: rest,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        zone: { type: 'string' },
        out: { type: 'string' },
        by: { type: 'string', default: 'person' },
        name: { type: 'string' },
        reason: { type: 'string' },
        actor: { type: 'string' },
      },
      strict: true,
    });
    if ((action !== 'report' && action !== 'snapshot') || !values.from || !values.to) throw new UsageError(usage);
    if (values.by !== 'person' && values.by !== 'receiver') throw new UsageError('exposure: --by must be person or receiver');
    const config = loadConfig(env);
    let window;
    try {
      window = parseWindow({ from: values.from, to: values.to, zone: values.zone }, config.timeZone, '');
    } catch (error) {
      if (error instanceof ValidationError) throw new UsageError(`exposure: ${error.errors.map((e) => `--${e.path.replace(/^\./, '')} ${e.message}`).join('; ')}`);
      throw error;
    }
    for (const note of window.notes) console.error(`note: ${note}`);
    const { db } = await openDatabase(config);
    try {
      await migrateToLatest(db);
      const actor = values.actor ?? env.USER ?? userInfo().username;
      if (action === 'snapshot') {
        if (!values.name || !values.reason) throw new UsageError('exposure snapshot: --name and --reason are required');
        const snapshot = await createSnapshot(
          { db, clock: systemClock, timeZone: config.timeZone, broadRoles: config.exposure.broadRoles },
          { name: values.name, from: values.from, to: values.to, zone: values.zone },
          { subject: actor, roles: ['cli'], reason: values.reason },
        );
        console.log(`snapshot "${snapshot.name}" saved: ${snapshot.report.totals.peopleExposed} people exposed to ${snapshot.report.totals.receivers} receivers`);
        return 0;
      }
      const report = await buildExposureReport(db, window, {
        broadRoles: config.exposure.broadRoles,
        chunks: chunksFor(window.from, window.to),
        onProgress: progressBar('exposure'),
        now: systemClock.now(),
      });
      const { totals } = report;
      const summary = `${totals.peopleExposed} people exposed to ${totals.receivers} receivers in ${totals.responses} responses (${report.window.from} → ${report.window.to})`;
      if (!values.out) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        await writeFile(values.out, values.out.endsWith('.json') ? JSON.stringify(report, null, 2) : reportToCsv(report, values.by));
        console.error(`wrote ${values.out}`);
      }
      console.error(summary);
      return 0;
    } finally {
      await db.destroy();
    }
  },
};

async function check(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (args.length > 0) throw new UsageError(usage);
  const config = loadConfig(env);
  const { db } = await openDatabase(config);
  try {
    await migrateToLatest(db);
    const result = await checkPending(db, {
      broadRoles: config.exposure.broadRoles,
      burstGapSeconds: config.exposure.burstGapSeconds,
      now: () => systemClock.now(),
      onProgress: progressBar('check'),
      onAlertOpened: catchUpAlerts({ config, clock: systemClock, logger: createLogger(config.logLevel) }),
    });
    console.error(`checked ${result.batches} batch(es) of ${result.streams} stream(s): ${result.illegitimate} illegitimate access(es) found and kept`);
    return 0;
  } finally {
    await db.destroy();
  }
}
