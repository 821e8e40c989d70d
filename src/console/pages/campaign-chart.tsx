import { raw } from 'hono/html';
import type { DeliveryAlert } from '../../db/tables/delivery-alert.js';
import type { DeliveryCurve, DeliverySeries } from '../../delivery/series.js';
import { Time } from '../components.js';
import { format } from '../labels.js';
import type { PageContext } from '../page.js';

/** JSON inside a <script type="application/json"> block: "<" escaped, so no text can close the block. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const stepText = (ms: number, lang: string) => {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${seconds / 60} min`;
  if (seconds < 86_400) return `${seconds / 3600} h`;
  return lang === 'fr' ? `${seconds / 86_400} j` : `${seconds / 86_400} d`;
};

/**
 * The campaign's delivery over time: the whole campaign, then one small chart per carrier (SMS), so that the
 * carrier that fails stands out beside those that deliver. Drawn by browser/campaign-chart.js with uPlot from
 * the data block; anomalies are vertical marks (on the carrier they name, and campaign-wide ones everywhere).
 * The same figures as a table, and the reconciliation below, for those who do not see the chart.
 */
export function CampaignChart(props: { ctx: PageContext; series: DeliverySeries; alerts: DeliveryAlert[] }) {
  const { ctx, series, alerts } = props;
  const l = ctx.l.campaign;
  const kinds = l.alertKinds as Record<string, string>;
  const channel = (l.channels as Record<string, string>)[series.campaign.channel] ?? series.campaign.channel;
  const marks = (carrier: string | null) =>
    alerts
      .filter((a) => carrier === null || a.carrier === null || a.carrier === carrier)
      .map((a) => ({ at: new Date(a.detected_at).getTime(), label: `${l.anomaly} : ${kinds[a.kind] ?? a.kind} (${a.value})` }));
  const chart = (id: string, title: string, curve: DeliveryCurve, carrier: string | null) => ({ id, title, ...curve, marks: marks(carrier) });
  const charts = [
    chart('campaign-chart-all', format(l.chartAll, { channel }), series.all, null),
    ...series.carriers.map((c, i) => chart(`campaign-chart-${i}`, format(l.chartCarrier, { carrier: c.carrier }), c.curve, c.carrier)),
  ];
  const receipts = series.campaign.channel === 'sms';
  const data = {
    zone: ctx.zone,
    times: series.times,
    receipts,
    labels: { time: l.time, sent: l.seriesSent, delivered: l.seriesDelivered, failed: l.seriesFailed, unknown: l.seriesUnknown, silent: l.seriesSilent },
    charts: charts.map(({ title: _title, ...rest }) => rest),
  };
  const rows = series.times
    .map((time, i) => ({ time, sent: series.all.sent[i]!, delivered: series.all.delivered[i]!, failed: series.all.failed[i]!, unknown: series.all.unknown[i]!, silent: series.all.silent[i]! }))
    .filter((row, i, all) => i === 0 || (['sent', 'delivered', 'failed', 'unknown', 'silent'] as const).some((key) => row[key] !== all[i - 1]![key]));
  return (
    <section aria-labelledby="chart-title" class="fr-mb-6w">
      <h2 id="chart-title">{l.chartTitle}</h2>
      <p>{format(l.chartIntro, { step: stepText(series.bucketMs, ctx.lang) })}</p>
      <div class="fr-grid-row fr-grid-row--gutters">
        {charts.map((c, i) => (
          <figure class={`fr-m-0 ${i === 0 ? 'fr-col-12' : 'fr-col-12 fr-col-lg-6'}`}>
            <figcaption class="fr-h6 fr-mb-1w">{c.title}</figcaption>
            <div id={c.id} class={`vigie-chart${i === 0 ? '' : ' vigie-chart--small'}`} role="img" aria-label={format(l.chartLabel, { title: c.title })}></div>
          </figure>
        ))}
      </div>
      <script type="application/json" id="campaign-data">
        {raw(scriptJson(data))}
      </script>
      <details class="fr-mt-2w">
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
            <tbody>
              {rows.map((row) => (
                <tr>
                  <td>
                    <Time at={row.time} ctx={ctx} />
                  </td>
                  <td>{row.sent}</td>
                  <td>{row.delivered}</td>
                  <td>{row.failed}</td>
                  <td>{row.unknown}</td>
                  {receipts ? <td>{row.silent}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
