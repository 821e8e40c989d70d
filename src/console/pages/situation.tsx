import { scopeText } from '../../maintenance/window.js';
import { Notice, PageTitle, Time } from '../components.js';
import { format } from '../labels.js';
import { definePage, type PageContext } from '../page.js';
import { readSituation, type Situation } from './situation-data.js';

const twelveHours = 12 * 3600_000;

function remainingText(ctx: PageContext, dueAt: Date) {
  const ms = dueAt.getTime() - ctx.now.getTime();
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const values = { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
  return format(ms >= 0 ? ctx.l.situation.remaining : ctx.l.situation.overdue, values);
}

function MaintenanceState(props: { ctx: PageContext; situation: Situation }) {
  const { ctx, situation } = props;
  const l = ctx.l.situation;
  const now = ctx.now.getTime();
  if (situation.windows.length === 0) return <p id="maintenance-state">{l.open}</p>;
  return (
    <ul id="maintenance-state">
      {situation.windows.map((w) => (
        <li>
          <p class={`fr-badge ${w.startsAt <= now ? 'fr-badge--error' : 'fr-badge--info'} fr-mr-1w`}>{w.startsAt <= now ? l.inForce : l.scheduled}</p>
          {`${l.scope} : ${w.scope.kind === 'site' ? l.site : scopeText(w.scope)}`}
          {w.readOnly ? ` (${l.readOnly})` : ''}
          {' — '}
          {w.startsAt > now ? (
            <>
              {l.from} <Time at={w.startsAt} ctx={ctx} />{' '}
            </>
          ) : null}
          {w.plannedEnd ? (
            <>
              {l.until} <Time at={w.plannedEnd} ctx={ctx} />
            </>
          ) : (
            l.openEnded
          )}
          <p class="fr-text--sm fr-mb-1w">{w.reason}</p>
        </li>
      ))}
    </ul>
  );
}

function Alerts(props: { ctx: PageContext; situation: Situation }) {
  const { ctx } = props;
  const l = ctx.l.situation;
  const alerts = props.situation.alerts!;
  if (alerts.length === 0) return <p id="alerts-none">{l.noAlerts}</p>;
  return (
    <ul id="alerts">
      {alerts.map((alert) => (
        <li class="fr-mb-2w">
          <strong>{format(l.alert, { id: alert.id })}</strong>
          {' — '}
          {format(l.alertCounts, { accesses: alert.accesses, people: alert.peopleExposed, receivers: alert.receivers })}
          <br />
          <span>
            {`${l.burst} `}
            <Time at={alert.firstAt} ctx={ctx} /> → <Time at={alert.lastAt} ctx={ctx} />
          </span>
          {alert.breaker ? (
            <>
              <br />
              {format(l.breaker, { scope: alert.breaker.scope })} <Time at={alert.breaker.at} ctx={ctx} />
            </>
          ) : null}
          <br />
          <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={ctx.href('/exposure', { alert: alert.id })}>
            {l.analyse}
          </a>
        </li>
      ))}
    </ul>
  );
}

function Breaches(props: { ctx: PageContext; situation: Situation }) {
  const { ctx } = props;
  const l = ctx.l.situation;
  const breaches = props.situation.breaches!;
  if (breaches.length === 0) return <p id="breaches-none">{l.noBreaches}</p>;
  return (
    <ul id="breaches">
      {breaches.map((breach) => {
        const due = breach.gdprDueAt;
        const urgent = due !== null && breach.gdprState === 'running' && due.getTime() - ctx.now.getTime() < twelveHours;
        const late = breach.gdprState === 'missed';
        return (
          <li class="fr-mb-2w">
            <strong>
              <a class="fr-link" href={ctx.href(`/breaches/${breach.id}`)}>
                {format(l.breach, { id: breach.id, title: breach.title })}
              </a>
            </strong>{' '}
            <span class="fr-badge fr-badge--sm fr-badge--info">{(l.status as Record<string, string>)[breach.status] ?? breach.status}</span>
            <br />
            {breach.gdprState === 'met' || breach.gdprState === 'not-required' ? (
              l.clockMet
            ) : due ? (
              <>
                {l.gdprClock} <Time at={due} ctx={ctx} />{' '}
                <span class={`fr-badge fr-badge--sm ${urgent || late ? 'fr-badge--error' : 'fr-badge--warning'}`} data-clock={due.toISOString()} data-urgent={urgent || late ? 'true' : 'false'}>
                  {remainingText(ctx, due)}
                </span>
              </>
            ) : (
              l.clockWaiting
            )}
            <br />
            {format(l.population, { count: breach.population })}
          </li>
        );
      })}
    </ul>
  );
}

function Campaigns(props: { ctx: PageContext; situation: Situation }) {
  const l = props.ctx.l.situation;
  const campaigns = props.situation.campaigns!;
  if (campaigns.length === 0) return <p id="campaigns-none">{l.noCampaigns}</p>;
  return (
    <ul id="campaigns">
      {campaigns.map(({ campaign, counts }) => {
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        const rate = total === 0 ? 0 : Math.round((counts.delivered / total) * 1000) / 10;
        return (
          <li class="fr-mb-2w">
            <a href={props.ctx.href(`/campaigns/${campaign.id}`)}>
              <strong>{format(l.campaign, { id: campaign.id.slice(0, 8), channel: campaign.channel, breach: campaign.breach_id })}</strong>
            </a>{' '}
            <span class="fr-badge fr-badge--sm">{campaign.status}</span>
            <br />
            {format(l.delivery, { delivered: counts.delivered, total, rate, failed: counts.failed, pending: counts.queued + counts.sending + counts.sent })}
          </li>
        );
      })}
    </ul>
  );
}

/** Situation: what an SRE keeps on a second screen and a DPO opens first. Refreshes itself every 5 seconds. */
export const situationPage = definePage({
  path: '/',
  api: ['GET /maintenance/state'],
  title: (l) => l.situation.title,
  nav: { order: 10, label: (l) => l.nav.situation },
  scripts: ['live.js'],
  async render(ctx) {
    const l = ctx.l;
    const may = {
      alerts: ctx.can('GET /exposure/alerts'),
      breaches: ctx.can('GET /breaches'),
      campaigns: ctx.can('GET /delivery/campaigns/{id}'),
    };
    const situation = await readSituation(ctx.deps, ctx.now, may);
    const opened = ctx.c.req.query('opened');
    return (
      <>
        <PageTitle title={l.situation.title} intro={l.situation.intro} />
        {opened && /^\d{1,18}$/.test(opened) ? (
          <Notice kind="success" id="breach-opened">
            <p>{format(l.situation.breachOpened, { id: opened, people: Number(ctx.c.req.query('people') ?? 0) })}</p>
          </Notice>
        ) : null}
        <div class="fr-toggle fr-mb-2w" hidden>
          <input type="checkbox" class="fr-toggle__input" id="live-toggle" checked aria-describedby="live-toggle-hint" />
          <label class="fr-toggle__label" for="live-toggle">
            {l.common.refreshing}
          </label>
          <p class="fr-hint-text" id="live-toggle-hint">
            {l.common.refreshingHint}
          </p>
        </div>
        <div id="live-failed" hidden>
          <p class="fr-error-text">{l.common.refreshFailed}</p>
        </div>
        <div id="live" data-live-seconds="5">
          <p class="fr-text--sm" id="live-status">
            <span id="updated-at">{l.common.updatedAt}</span> <Time at={ctx.now} ctx={ctx} id="updated-time" />
          </p>
          <div class="fr-grid-row fr-grid-row--gutters">
            <section class="fr-col-12 fr-col-lg-6" aria-labelledby="maintenance-title">
              <h2 id="maintenance-title">{l.situation.maintenanceTitle}</h2>
              <MaintenanceState ctx={ctx} situation={situation} />
            </section>
            {situation.alerts ? (
              <section class="fr-col-12 fr-col-lg-6" aria-labelledby="alerts-title">
                <h2 id="alerts-title">{l.situation.alertsTitle}</h2>
                <Alerts ctx={ctx} situation={situation} />
              </section>
            ) : null}
            {situation.breaches ? (
              <section class="fr-col-12 fr-col-lg-6" aria-labelledby="breaches-title">
                <h2 id="breaches-title">{l.situation.breachesTitle}</h2>
                <Breaches ctx={ctx} situation={situation} />
              </section>
            ) : null}
            {situation.campaigns ? (
              <section class="fr-col-12 fr-col-lg-6" aria-labelledby="campaigns-title">
                <h2 id="campaigns-title">{l.situation.campaignsTitle}</h2>
                <Campaigns ctx={ctx} situation={situation} />
              </section>
            ) : null}
          </div>
        </div>
      </>
    );
  },
});
