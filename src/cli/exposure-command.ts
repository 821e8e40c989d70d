import { writeFile } from 'node:fs/promises';
import { systemClock } from '../clock.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../entry/open-database.js';
import { ValidationError } from '../http/errors.js';
import { checkPending } from '../exposure/check-pending.js';
import { catchUpAlerts } from '../exposure/live-detection.js';
import { createLogger } from '../logger.js';
import { reportToCsv } from '../exposure/report-csv.js';
import type { ExposureReport } from '../exposure/report.js';
import { parseWindow } from '../exposure/window.js';
import { loadConfig } from './config.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, defineGroup, UsageError } from './spec.js';
import { progressBar } from './progress-bar.js';


const window = {
  from: { type: 'string', value: 'WHEN', required: true, description: 'start: "2020-03-31 11:45" (in --zone) or with an offset' },
  to: { type: 'string', value: 'WHEN', required: true, description: 'end, written like --from' },
  zone: { type: 'string', value: 'ZONE', description: 'the zone of times without an offset (default VIGIE_TIMEZONE)' },
} as const;

interface Values {
  from: string;
  to: string;
  zone?: string | undefined;
  out?: string | undefined;
  by: string;
  name?: string | undefined;
  reason?: string | undefined;
  url?: string | undefined;
  token?: string | undefined;
}

export const exposureCommand = defineGroup({
  name: 'exposure',
  summary: 'who saw whose data in a window (report, snapshot); check the log batches live detection did not',
  subcommands: [
    defineCommand({
      name: 'report',
      summary: 'the exposure report over a window, as JSON on stdout or to a CSV/JSON file',
      options: {
        ...window,
        out: { type: 'string', value: 'FILE', description: 'write report.csv or report.json instead of printing JSON' },
        by: { type: 'string', value: 'person|receiver', description: 'one CSV line per exposed person or per receiver', default: 'person' },
        reason: { type: 'string', value: 'TEXT', description: 'why you read it (recorded with the reading)' },
        ...connectionOptions,
      },
      run: ({ values, env }) => runExposure('report', values as unknown as Values, env),
    }),
    defineCommand({
      name: 'snapshot',
      summary: 'save the report over a window, immutable, under a name',
      options: {
        ...window,
        name: { type: 'string', value: 'NAME', required: true, description: 'the snapshot name, such as pajemploi-2020-03-31' },
        reason: { type: 'string', value: 'TEXT', required: true, description: 'why (recorded)' },
        ...connectionOptions,
      },
      run: ({ values, env }) => runExposure('snapshot', { by: 'person', ...values } as Values, env),
    }),
    defineCommand({
      name: 'check',
      summary: 'check the log batches live detection did not see (detection off, a crash, an import)',
      options: {},
      run: ({ env }) => check(env),
    }),
  ],
});

async function runExposure(action: 'report' | 'snapshot', values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  if (values.by !== 'person' && values.by !== 'receiver') throw new UsageError('--by must be person or receiver');
  const config = loadConfig(env);
  // The window is checked here first, so that a mistake names the option rather than a query field.
  let window;
  try {
    window = parseWindow({ from: values.from, to: values.to, zone: values.zone }, config.timeZone, '');
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(`${error.errors.map((e) => `--${e.path.replace(/^\./, '')} ${e.message}`).join('; ')}`);
    throw error;
  }
  for (const note of window.notes) console.error(`note: ${note}`);
  const query = { from: values.from, to: values.to, ...(values.zone ? { zone: values.zone } : {}) };
  return withConnection(values, env, async ({ client, config: { adminPrefix } }) => {
    if (action === 'snapshot') {
      const snapshot = await client.request<{ name: string; report: ExposureReport }>('POST', `${adminPrefix}/exposure/snapshots`, { name: values.name, reason: values.reason, ...query });
      console.log(`snapshot "${snapshot.name}" saved: ${snapshot.report.totals.peopleExposed} people exposed to ${snapshot.report.totals.receivers} receivers`);
      return 0;
    }
    const report = await client.request<ExposureReport>('GET', `${adminPrefix}/exposure/report?${new URLSearchParams({ ...query, ...(values.reason ? { reason: values.reason } : {}) })}`);
    const { totals } = report;
    const summary = `${totals.peopleExposed} people exposed to ${totals.receivers} receivers in ${totals.responses} responses (${report.window.from} → ${report.window.to})`;
    if (!values.out) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      await writeFile(values.out, values.out.endsWith('.json') ? JSON.stringify(report, null, 2) : reportToCsv(report, values.by as 'person' | 'receiver'));
      console.error(`wrote ${values.out}`);
    }
    console.error(summary);
    return 0;
  });
}

async function check(env: NodeJS.ProcessEnv): Promise<number> {
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
