import type { ExposureReport } from '../../exposure/report.js';
import type { ExposureWindow } from '../../exposure/window.js';
import { ChartScriptParts, Time } from '../components.js';
import type { PageContext } from '../page.js';


/**
 * The chart's frame: its data comes from GET <console>/exposure/series (exposure-series.ts), fetched and drawn
 * by browser/exposure-chart.js with uPlot, so the page renders without computing it (the minute series of a
 * 3 h 30 window over 10 M records takes longer than a page may). The first and last exposure are text here;
 * the figures as a table (the chart's text alternative) are filled from the same data. Without JavaScript
 * the page says so; the counts, the people and the actions below do not need it.
 */
export function ExposureChart(props: { ctx: PageContext; report: ExposureReport; window: ExposureWindow }) {
  const { ctx, report, window } = props;
  const l = ctx.l.exposure;
  let first: number | null = null;
  let last: number | null = null;
  for (const person of report.byPerson) {
    const a = new Date(person.firstAt).getTime();
    const b = new Date(person.lastAt).getTime();
    if (first === null || a < first) first = a;
    if (last === null || b > last) last = b;
  }
  const data = {
    zone: ctx.zone,
    lang: ctx.lang,
    series: ctx.href('/exposure/series', { from: window.from.toISOString(), to: window.to.toISOString() }),
    first,
    last,
    labels: { time: l.minute, personal: l.seriesPersonal, others: l.seriesOthers, maintenance: l.maintenanceShade, first: l.firstExposure, last: l.lastExposure },
  };
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
        <div id="exposure-chart" class="vigie-chart" role="img" aria-label={l.chartLabel} aria-busy="true"></div>
      </figure>
      <ChartScriptParts id="exposure-data" data={data} needsScript={l.chartNeedsScript} failed={l.chartFailed} />
      <details class="fr-mt-2w" id="chart-table" hidden>
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
            <tbody id="chart-rows"></tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
