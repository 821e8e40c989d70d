import type { DeliveryAlert } from '../../db/tables/delivery-alert.js';
import { campaignAlerts } from '../../delivery/reconciliation.js';
import { deliverySeries, type DeliveryCurve } from '../../delivery/series.js';
import { deliveryContext } from '../../delivery/wiring.js';
import { formatForPeople } from '../../maintenance/format-time.js';
import { format } from '../labels.js';
import type { ConsoleDownload, PageContext } from '../page.js';

const stepText = (ms: number, lang: string) => {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${seconds / 60} min`;
  if (seconds < 86_400) return `${seconds / 3600} h`;
  return lang === 'fr' ? `${seconds / 86_400} j` : `${seconds / 86_400} d`;
};

const keys = ['sent', 'delivered', 'failed', 'unknown', 'silent'] as const;

/** What the campaign page's chart script reads: every chart (whole campaign, then each carrier) and the table. */
export function campaignSeriesBody(ctx: PageContext, series: Awaited<ReturnType<typeof deliverySeries>>, alerts: DeliveryAlert[]) {
  const l = ctx.l.campaign;
  const kinds = l.alertKinds as Record<string, string>;
  const channel = (l.channels as Record<string, string>)[series.campaign.channel] ?? series.campaign.channel;
  // Anomalies as vertical marks: on the carrier they name, and campaign-wide ones everywhere.
  const marks = (carrier: string | null) =>
    alerts
      .filter((a) => carrier === null || a.carrier === null || a.carrier === carrier)
      .map((a) => ({ at: new Date(a.detected_at).getTime(), label: `${l.anomaly} : ${kinds[a.kind] ?? a.kind} (${a.value})` }));
  const chart = (id: string, title: string, curve: DeliveryCurve, carrier: string | null) => ({ id, title, label: format(l.chartLabel, { title }), ...curve, marks: marks(carrier) });
  const all = series.all;
  return {
    zone: ctx.zone,
    times: series.times,
    receipts: series.campaign.channel === 'sms',
    intro: format(l.chartIntro, { step: stepText(series.bucketMs, ctx.lang) }),
    labels: { time: l.time, sent: l.seriesSent, delivered: l.seriesDelivered, failed: l.seriesFailed, unknown: l.seriesUnknown, silent: l.seriesSilent },
    charts: [
      chart('campaign-chart-all', format(l.chartAll, { channel }), all, null),
      ...series.carriers.map((c, i) => chart(`campaign-chart-${i}`, format(l.chartCarrier, { carrier: c.carrier }), c.curve, c.carrier)),
    ],
    // The table (the charts' text alternative): the whole campaign, a row where a figure changed.
    rows: series.times
      .map((time, i) => ({ at: new Date(time).toISOString(), text: formatForPeople(time, ctx.zone, ctx.lang), sent: all.sent[i]!, delivered: all.delivered[i]!, failed: all.failed[i]!, unknown: all.unknown[i]!, silent: all.silent[i]! }))
      .filter((row, i, rows) => i === 0 || keys.some((key) => row[key] !== rows[i - 1]![key])),
  };
}

/**
 * GET /campaigns/:id/series (console): the campaign's delivery over time, out of the page's render (issue 18's
 * 50 ms page budget); read by browser/campaign-chart.js. Same roles as the page; errors as problem+json.
 */
export const campaignSeries: ConsoleDownload = {
  api: [],
  json: true,
  async run(ctx) {
    const id = ctx.c.req.param('id') ?? '';
    const delivery = deliveryContext(ctx.deps);
    const [series, alerts] = await Promise.all([deliverySeries(delivery, id), campaignAlerts(delivery, id)]);
    return ctx.c.json(campaignSeriesBody(ctx, series, alerts), 200, { 'Cache-Control': 'no-store' });
  },
};
