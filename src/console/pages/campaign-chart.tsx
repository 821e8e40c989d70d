import { ChartScriptParts } from '../components.js';
import type { PageContext } from '../page.js';


/**
 * The campaign's delivery over time: the whole campaign, then one small chart per carrier (SMS), so that the
 * carrier that fails stands out beside those that deliver. Its data comes from GET <console>/campaigns/:id/series
 * (campaign-series.ts), read and drawn by browser/campaign-chart.js with uPlot, so that the page renders without
 * computing it; the same figures fill the table, and the reconciliation below gives them as text. Without
 * JavaScript the page says the chart needs it; counts, alerts, reconciliation and actions do not.
 */
export function CampaignChart(props: { ctx: PageContext; campaignId: string; channel: string }) {
  const { ctx } = props;
  const receipts = props.channel === 'sms';
  const l = ctx.l.campaign;
  const data = { series: ctx.href(`/campaigns/${props.campaignId}/series`) };
  return (
    <section aria-labelledby="chart-title" class="fr-mb-6w">
      <h2 id="chart-title">{l.chartTitle}</h2>
      <p id="chart-intro" hidden></p>
      <div class="fr-grid-row fr-grid-row--gutters" id="campaign-charts" aria-busy="true"></div>
      <ChartScriptParts id="campaign-data" data={data} needsScript={l.chartNeedsScript} failed={l.chartFailed} />
      <details class="fr-mt-2w" id="chart-table" hidden>
        <summary>{l.chartTable}</summary>
        <div class="fr-table fr-table--no-caption">
          <table>
            <caption>{l.chartTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{l.time}</th>
                <th scope="col">{l.seriesSent}</th>
                <th scope="col">{l.seriesDelivered}</th>
                <th scope="col">{l.seriesFailed}</th>
                <th scope="col">{l.seriesUnknown}</th>
                {receipts ? <th scope="col">{l.seriesSilent}</th> : null}
              </tr>
            </thead>
            <tbody id="chart-rows"></tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
