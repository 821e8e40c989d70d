import { exposureMinuteSeries } from '../../exposure/minute-series.js';
import { formatForPeople } from '../../maintenance/format-time.js';
import { listMaintenanceWindows } from '../../maintenance/list-windows.js';
import type { ConsoleDownload } from '../page.js';
import { requireDb } from '../session/sessions.js';
import { typedWindow } from './exposure-data.js';

/** What the exposure page's chart script reads: every minute of the window, and the minutes that had any. */
export interface ExposureSeriesBody {
  minutes: number[];
  personal: number[];
  others: number[];
  /** Maintenance windows inside the window, [start, end] in epoch ms: shaded on the chart. */
  maintenance: [number, number][];
  /** The chart as a table (its text alternative): only the minutes with a response, their time written for people. */
  busy: { at: string; text: string; personal: number; others: number }[];
}

/**
 * GET /exposure/series?from=…&to=… (console): the exposure chart's minute-by-minute data, out of the page's
 * render (issue 18's 50 ms page budget; the chart's own is 1 s). Same roles as the page; errors as problem+json.
 */
export const exposureSeries: ConsoleDownload = {
  api: [],
  json: true,
  async run(ctx) {
    const db = requireDb(ctx.deps.db);
    const q = ctx.c.req.query();
    const window = typedWindow({ from: q.from, to: q.to }, ctx.zone);
    const [series, maintenance] = await Promise.all([
      exposureMinuteSeries(db, window, { broadRoles: ctx.deps.config.exposure.broadRoles }),
      listMaintenanceWindows(db, { from: window.from, to: window.to, now: ctx.now }),
    ]);
    const from = window.from.getTime();
    const to = window.to.getTime();
    const body: ExposureSeriesBody = {
      minutes: series.minutes,
      personal: series.personal,
      others: series.others,
      maintenance: maintenance.map((m) => [Math.max(m.startedAt.getTime(), from), Math.min((m.endedAt ?? window.to).getTime(), to)]),
      busy: series.minutes
        .map((minute, i) => ({ at: new Date(minute).toISOString(), text: formatForPeople(minute, ctx.zone, ctx.lang), personal: series.personal[i]!, others: series.others[i]! }))
        .filter((row) => row.personal > 0 || row.others > 0),
    };
    return ctx.c.json(body, 200, { 'Cache-Control': 'no-store' });
  },
};
