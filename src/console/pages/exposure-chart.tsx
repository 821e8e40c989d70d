import { raw } from 'hono/html';
import type { ExposureReport } from '../../exposure/report.js';
import type { MinuteSeries } from '../../exposure/minute-series.js';
import type { ExposureWindow } from '../../exposure/window.js';
import type { MaintenanceWindowRecord } from '../../maintenance/list-windows.js';
import { Time } from '../components.js';
import type { PageContext } from '../page.js';

/** JSON inside a <script type="application/json"> block: "<" escaped, so no text can close the block. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The chart's data in the page (no second request), drawn by browser/exposure-chart.js with uPlot; the same
 * figures as a table for those who do not see the chart, and the first and last exposure as text.
 */
export function ExposureChart(props: { ctx: PageContext; report: ExposureReport; series: MinuteSeries; maintenance: MaintenanceWindowRecord[]; window: ExposureWindow }) {
  const { ctx, report, series, window } = props;
  const l = ctx.l.exposure;
  const firsts = report.byPerson.map((p) => new Date(p.firstAt).getTime());
  const lasts = report.byPerson.map((p) => new Date(p.lastAt).getTime());
  const first = firsts.length > 0 ? Math.min(...firsts) : null;
  const last = lasts.length > 0 ? Math.max(...lasts) : null;
  const shaded = props.maintenance.map((m) => [
    Math.max(m.startedAt.getTime(), window.from.getTime()),
    Math.min((m.endedAt ?? window.to).getTime(), window.to.getTime()),
  ]);
  const data = {
    zone: ctx.zone,
    lang: ctx.lang,
    minutes: series.minutes,
    personal: series.personal,
    others: series.others,
    maintenance: shaded,
    first,
    last,
    labels: { time: l.minute, personal: l.seriesPersonal, others: l.seriesOthers, maintenance: l.maintenanceShade, first: l.firstExposure, last: l.lastExposure },
  };
  const busy = series.minutes.map((minute, i) => ({ minute, personal: series.personal[i]!, others: series.others[i]! })).filter((row) => row.personal > 0 || row.others > 0);
  return (
    <section aria-labelledby="chart-title" class="fr-mb-4w">
      <h2 id="chart-title">{l.chartTitle}</h2>
      {first !== null && last !== null ? (
        <ul class="fr-mb-2w">
          <li id="first-exposure">
            {l.firstExposure}
            <Time at={first} ctx={ctx} />
          </li>
          <li id="last-exposure">
            {l.lastExposure}
            <Time at={last} ctx={ctx} />
          </li>
        </ul>
      ) : (
        <p id="no-exposure">{l.noExposure}</p>
      )}
      <figure class="fr-m-0">
        <div id="exposure-chart" class="vigie-chart" role="img" aria-label={l.chartLabel}></div>
      </figure>
      <script type="application/json" id="exposure-data">
        {raw(scriptJson(data))}
      </script>
      <details class="fr-mt-2w">
        <summary>{l.chartTable}</summary>
        <div class="fr-table fr-table--no-caption">
          <table>
            <caption>{l.chartTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{l.minute}</th>
                <th scope="col">{l.seriesPersonal}</th>
                <th scope="col">{l.seriesOthers}</th>
              </tr>
            </thead>
            <tbody>
              {busy.map((row) => (
                <tr>
                  <td>
                    <Time at={row.minute} ctx={ctx} />
                  </td>
                  <td>{row.personal}</td>
                  <td>{row.others}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
