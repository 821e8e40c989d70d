import type { DeliveryAlert } from '../../db/tables/delivery-alert.js';
import { campaignActions, changeCampaign, type CampaignAction, type CampaignProgress } from '../../delivery/control.js';
import { recordLettersPosted } from '../../delivery/evidence.js';
import { campaignOverview } from '../../delivery/overview.js';
import type { Reconciliation } from '../../delivery/reconciliation.js';
import { deliveryContext } from '../../delivery/wiring.js';
import { NotFoundError, ValidationError } from '../../http/errors.js';
import { ActionForm, ErrorSummary, Field, PageTitle, Time } from '../components.js';
import { format } from '../labels.js';
import { definePage, type FormState, type PageContext } from '../page.js';
import { readWallTime } from '../wall-time.js';
import { CampaignChart } from './campaign-chart.js';
import { campaignSeries } from './campaign-series.js';
import { DraftPreview } from './campaign-preview.js';
import { DoneNotice, ResendForm, checkReason, resendAction } from './campaign-resend.js';

const path = '/campaigns/:id';
const pageOf = (ctx: PageContext) => `/campaigns/${ctx.c.req.param('id') ?? ''}`;
const pct = (n: number, lang: string) => `${(n * 100).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 })} %`;

/** Which controls a campaign's status allows (control.ts refuses the others anyway). */
const controlsFor: Record<string, CampaignAction[]> = { ready: ['start', 'cancel'], running: ['pause', 'cancel'], paused: ['resume', 'cancel'] };

function Facts(props: { ctx: PageContext; progress: CampaignProgress }) {
  const { ctx } = props;
  const l = ctx.l.campaign;
  const c = props.progress.campaign;
  return (
    <section aria-labelledby="facts-title" class="fr-mb-4w">
      <h2 id="facts-title">{l.factsTitle}</h2>
      <ul id="campaign-facts">
        <li>
          {`${l.status} : `}
          <span class="fr-badge fr-badge--sm" id="campaign-status" data-status={c.status}>
            {(l.statuses as Record<string, string>)[c.status]}
          </span>
        </li>
        <li>{`${l.breach} : ${c.breach_id} — ${l.draft} : ${c.draft_id}`}</li>
        <li>{`${l.channel} : ${l.channels[c.channel]} — ${l.provider} : ${c.provider} — ${l.segment} : ${c.segment ?? l.allPopulation}`}</li>
        <li>
          {format(l.createdBy, { who: c.created_by })} <Time at={c.created_at} ctx={ctx} />
          {` — ${l.why} : ${c.reason}`}
        </li>
        {c.resend_of ? (
          <li>
            {`${l.resendOf} `}
            <a href={ctx.href(`/campaigns/${c.resend_of}`)}>{c.resend_of.slice(0, 8)}</a>
          </li>
        ) : null}
      </ul>
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={ctx.href('/campaigns')}>
        {l.back}
      </a>
    </section>
  );
}

function Counts(props: { ctx: PageContext; progress: CampaignProgress }) {
  const { ctx, progress } = props;
  const l = ctx.l.campaign;
  const total = Object.values(progress.counts).reduce((a, b) => a + b, 0);
  const tile = (id: string, label: string, value: number) => (
    <div class="fr-col-6 fr-col-md-3">
      <div class="fr-card fr-p-2w">
        <p class="fr-text--sm fr-mb-1v">{label}</p>
        <p class="fr-h4 fr-mb-0" id={id}>
          {value}
        </p>
      </div>
    </div>
  );
  return (
    <section aria-labelledby="counts-title" class="fr-mb-4w">
      <h2 id="counts-title">{l.countsTitle}</h2>
      <div class="fr-grid-row fr-grid-row--gutters">
        {tile('count-total', l.total, total)}
        {tile('count-accepted', l.accepted, progress.accepted)}
        {tile('count-delivered', l.delivered, progress.counts.delivered)}
        {tile('count-failed', l.failed, progress.counts.failed)}
        {tile('count-unknown', l.unknown, progress.counts.unknown)}
        {progress.campaign.channel === 'sms' ? tile('count-silent', format(l.silent, { minutes: progress.silentAfterMinutes }), progress.silent) : null}
        {tile('count-pending', l.pending, progress.counts.queued + progress.counts.sending + progress.counts.sent)}
        {tile('count-informed', l.informed, progress.informed)}
      </div>
    </section>
  );
}

function Control(props: { ctx: PageContext; progress: CampaignProgress; form: FormState | undefined }) {
  const { ctx, form } = props;
  const l = ctx.l.campaign;
  const status = props.progress.campaign.status;
  const allowed = controlsFor[status] ?? [];
  return (
    <section aria-labelledby="control-title" class="fr-mb-6w">
      <h2 id="control-title">{l.controlTitle}</h2>
      {allowed.length === 0 ? (
        <p id="control-none">{format(l.noControl, { status: (l.statuses as Record<string, string>)[status] ?? status })}</p>
      ) : (
        <>
          <ErrorSummary form={form} action="control" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={pageOf(ctx)} action="control" id="control-form">
            <Field form={form} action="control" name="reason" label={ctx.l.common.reason} hint={l.controlReasonHint} required />
            <ul class="fr-btns-group fr-btns-group--inline-md">
              {allowed.map((action) => (
                <li>
                  <button type="submit" name="do" value={action} id={`control-${action}`} class={`fr-btn${action === 'cancel' ? ' fr-btn--tertiary' : action === 'start' || action === 'resume' ? '' : ' fr-btn--secondary'}`}>
                    {l.actions[action]}
                  </button>
                </li>
              ))}
            </ul>
          </ActionForm>
        </>
      )}
    </section>
  );
}

function Alerts(props: { ctx: PageContext; alerts: DeliveryAlert[]; canResend: boolean }) {
  const { ctx } = props;
  const l = ctx.l.campaign;
  const kinds = l.alertKinds as Record<string, string>;
  return (
    <section aria-labelledby="alerts-title" class="fr-mb-6w">
      <h2 id="alerts-title">{l.alertsTitle}</h2>
      {props.alerts.length === 0 ? (
        <p id="alerts-none">{l.noAlerts}</p>
      ) : (
        <ul id="campaign-alerts">
          {props.alerts.map((alert) => (
            <li class="fr-mb-2w" data-kind={alert.kind} data-value={alert.value}>
              <strong>{format(l.alertOn, { kind: kinds[alert.kind] ?? alert.kind, slice: alert.value })}</strong>
              {` — ${l.alertDetected} `}
              <Time at={alert.detected_at} ctx={ctx} />
              <p class="fr-text--sm fr-mb-1v">{alert.detail}</p>
              {props.canResend && alert.carrier && !alert.segment ? (
                <a class="fr-link" href={`${ctx.href(pageOf(ctx), { carrier: alert.carrier })}#resend`}>
                  {format(l.resendThis, { value: alert.carrier })}
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReconciliationTables(props: { ctx: PageContext; report: Reconciliation }) {
  const { ctx, report } = props;
  const l = ctx.l.campaign;
  const receipts = report.campaign.channel === 'sms';
  const flagged = new Set(report.flagged.map((f) => `${f.dimension}:${f.value}`));
  return (
    <section aria-labelledby="reconciliation-title" class="fr-mb-6w">
      <h2 id="reconciliation-title">{l.reconciliationTitle}</h2>
      <p>{format(l.reconciliationIntro, { minutes: report.silentAfterMinutes })}</p>
      {(['carrier', 'segment', 'provider'] as const).map((dimension) => {
        const rows = report.rows.filter((row) => row.dimension === dimension);
        if (rows.length === 0 || (dimension === 'carrier' && !receipts)) return null;
        return (
          <div class="fr-table" id={`reconciliation-${dimension}`}>
            <table>
              <caption>{l.dimensions[dimension]}</caption>
              <thead>
                <tr>
                  <th scope="col">{l.value}</th>
                  <th scope="col">{l.total}</th>
                  <th scope="col">{l.seriesSent}</th>
                  <th scope="col">{l.seriesDelivered}</th>
                  <th scope="col">{l.seriesFailed}</th>
                  <th scope="col">{l.seriesUnknown}</th>
                  {receipts ? <th scope="col">{l.seriesSilent}</th> : null}
                  <th scope="col">{l.pending}</th>
                  <th scope="col">{l.informed}</th>
                  <th scope="col">{l.failureRate}</th>
                  <th scope="col">{l.reasons}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr data-value={row.value}>
                    <th scope="row">
                      {row.value}
                      {flagged.has(`${dimension}:${row.value}`) ? <span class="fr-badge fr-badge--error fr-badge--sm fr-ml-1w">{l.flagged}</span> : null}
                      {row.inferred > 0 ? <span class="fr-hint-text">{format(l.inferred, { count: row.inferred })}</span> : null}
                    </th>
                    <td>{row.total}</td>
                    <td>{row.accepted}</td>
                    <td data-col="delivered">{row.delivered}</td>
                    <td data-col="failed">{row.failed}</td>
                    <td>{row.unknown}</td>
                    {receipts ? <td data-col="silent">{row.silent}</td> : null}
                    <td>{row.pending}</td>
                    <td>{row.informed}</td>
                    <td>{pct(row.failureRate, ctx.lang)}</td>
                    <td>{row.reasons.map((r) => `${r.reason} (${r.count})`).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}

function LettersPosted(props: { ctx: PageContext; form: FormState | undefined }) {
  const { ctx, form } = props;
  const l = ctx.l.campaign;
  return (
    <section aria-labelledby="letters-title" class="fr-mb-6w">
      <h2 id="letters-title">{l.lettersTitle}</h2>
      <p>{l.lettersIntro}</p>
      <ErrorSummary form={form} action="posted" title={ctx.l.common.errorSummary} />
      <ActionForm ctx={ctx} page={pageOf(ctx)} action="posted" id="posted-form">
        <Field form={form} action="posted" name="postedAt" label={l.postedAt} hint={l.postedAtHint} />
        <Field form={form} action="posted" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
        <button type="submit" class="fr-btn fr-btn--secondary" id="posted-submit">
          {l.posted}
        </button>
      </ActionForm>
    </section>
  );
}

async function CampaignDraft(props: { ctx: PageContext; draftId: string; channel: string }) {
  // A draft of the drafts feature (numbered); a deployment whose ports load drafts from elsewhere has no preview here.
  if (!/^\d{1,18}$/.test(props.draftId)) return null;
  try {
    return await DraftPreview({ ctx: props.ctx, draftId: props.draftId, channel: props.channel, title: props.ctx.l.campaign.draftPreviewTitle, id: 'campaign-draft' });
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/**
 * One campaign (communications act; the DPO and auditors read): where its messages are, delivery over time
 * per carrier with anomalies, reconciliation, start/pause/resume/cancel, resend to those not reached (count
 * confirmed first), letters posted. Every read and write is delivery's own service function, as the API's.
 */
export const campaignPage = definePage({
  path,
  api: ['GET /delivery/campaigns/{id}', 'GET /delivery/campaigns/{id}/reconciliation'],
  title: (l) => l.campaign.campaign,
  scripts: ['uplot.js', 'campaign-chart.js'],
  styles: ['uplot.css'],
  async render(ctx, form) {
    const id = ctx.c.req.param('id') ?? '';
    const delivery = deliveryContext(ctx.deps);
    // The delivery chart's series is not computed here: the page's script reads it from <id>/series. Progress
    // and reconciliation are the API's (campaignProgress, reconcile), from one read of the campaign and its messages.
    const { progress, report } = await campaignOverview(delivery, id);
    const c = progress.campaign;
    const l = ctx.l.campaign;
    const canResend = ctx.can('POST /delivery/campaigns/{id}/resend', 'POST /delivery/campaigns/{id}/{action}') && c.status !== 'ready' && c.status !== 'preparing';
    return (
      <>
        <PageTitle title={format(l.pageTitle, { id: c.id.slice(0, 8) })} />
        <DoneNotice ctx={ctx} />
        {form?.notice ?? null}
        <Facts ctx={ctx} progress={progress} />
        <Counts ctx={ctx} progress={progress} />
        {ctx.can('POST /delivery/campaigns/{id}/{action}') ? <Control ctx={ctx} progress={progress} form={form} /> : null}
        <CampaignChart ctx={ctx} campaignId={c.id} channel={c.channel} />
        <Alerts ctx={ctx} alerts={report.alerts} canResend={canResend} />
        <ReconciliationTables ctx={ctx} report={report} />
        {canResend ? <ResendForm ctx={ctx} page={pageOf(ctx)} campaign={c} report={report} form={form} /> : null}
        {c.channel === 'letter' && ctx.can('POST /delivery/campaigns/{id}/letters/posted') ? <LettersPosted ctx={ctx} form={form} /> : null}
        {ctx.can('POST /drafts/{draftId}/preview') ? <CampaignDraft ctx={ctx} draftId={c.draft_id} channel={c.channel} /> : null}
      </>
    );
  },
  downloads: { series: campaignSeries },
  actions: {
    control: {
      api: ['POST /delivery/campaigns/{id}/{action}'],
      async run(ctx, form) {
        const action = form.do as CampaignAction;
        if (!(campaignActions as readonly string[]).includes(action)) throw new ValidationError([{ path: 'do', message: 'must be start, pause, resume or cancel' }]);
        const reason = checkReason(form.reason);
        await changeCampaign(deliveryContext(ctx.deps), ctx.actor, ctx.c.req.param('id') ?? '', action, reason);
        return { redirect: ctx.href(pageOf(ctx), { done: action }) };
      },
    },
    resend: resendAction(pageOf),
    posted: {
      api: ['POST /delivery/campaigns/{id}/letters/posted'],
      async run(ctx, form) {
        const reason = checkReason(form.reason);
        const postedAt = readWallTime(form.postedAt, 'postedAt', ctx);
        try {
          const { posted } = await recordLettersPosted(deliveryContext(ctx.deps), ctx.actor, ctx.c.req.param('id') ?? '', reason, postedAt);
          return { redirect: ctx.href(pageOf(ctx), { done: 'posted', posted }) };
        } catch (error) {
          if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => ({ ...e, path: e.path === 'id' ? 'form' : e.path })));
          throw error;
        }
      },
    },
  },
});
