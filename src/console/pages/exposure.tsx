import { openBreachBody } from '../../breaches/breach-facts.js';
import { openBreach } from '../../breaches/edit-breach.js';
import { ValidationError } from '../../http/errors.js';
import { recordAction } from '../../exposure/actor.js';
import { attachAlertToBreach, attachSnapshotToBreach } from '../../exposure/attach.js';
import { buildExposureReport, type ExposureReport } from '../../exposure/report.js';
import { createSnapshot } from '../../exposure/snapshots.js';
import { ActionForm, ErrorSummary, Field, PageTitle, Time, wallTime } from '../components.js';
import { format } from '../labels.js';
import { definePage, type FormState, type PageContext } from '../page.js';
import { randomToken } from '../session/tokens.js';
import { requireDb } from '../session/sessions.js';
import { chooseWindow, pageOf, type ChosenWindow } from './exposure-data.js';
import { ExposureChart } from './exposure-chart.js';
import { exposureSeries } from './exposure-series.js';

const path = '/exposure';

function WindowForm(props: { ctx: PageContext; chosen: ChosenWindow }) {
  const { ctx, chosen } = props;
  const l = ctx.l.exposure;
  const q = ctx.c.req.query();
  return (
    <section aria-labelledby="window-title" class="fr-mb-4w">
      <h2 id="window-title">{l.windowTitle}</h2>
      <p id="window-origin">{chosen.alertId ? format(l.alertWindow, { id: chosen.alertId }) : q.from || q.to ? '' : l.noAlert}</p>
      <form method="get" action={ctx.href(path)} id="window-form" class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div class="fr-col-12 fr-col-md-4">
          <Field form={undefined} action="window" name="from" label={l.from} hint={l.windowHint} value={q.from ?? wallTime(chosen.window.from, ctx.zone)} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <Field form={undefined} action="window" name="to" label={l.to} hint={l.windowHint} value={q.to ?? wallTime(chosen.window.to, ctx.zone)} />
        </div>
        <div class="fr-col-12 fr-col-md-4 fr-mb-3w">
          <button type="submit" class="fr-btn" id="window-submit">
            {l.show}
          </button>
        </div>
      </form>
      {chosen.window.notes.length > 0 ? (
        <div class="fr-callout" id="window-notes">
          <h3 class="fr-callout__title">{l.notesTitle}</h3>
          <ul>
            {chosen.window.notes.map((note) => (
              <li>{note}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function Counts(props: { ctx: PageContext; report: ExposureReport }) {
  const l = props.ctx.l.exposure;
  const totals = props.report.totals;
  const tile = (id: string, label: string, value: number) => (
    <div class="fr-col-12 fr-col-md-4">
      <div class="fr-card fr-p-3w">
        <p class="fr-text--sm fr-mb-1v">{label}</p>
        <p class="fr-h3 fr-mb-0" id={id}>
          {value.toLocaleString(props.ctx.lang === 'fr' ? 'fr-FR' : 'en-GB')}
        </p>
      </div>
    </div>
  );
  return (
    <section aria-labelledby="counts-title" class="fr-mb-4w">
      <h2 id="counts-title">{l.countsTitle}</h2>
      <div class="fr-grid-row fr-grid-row--gutters">
        {tile('count-people', l.people, totals.peopleExposed)}
        {tile('count-receivers', l.receivers, totals.receivers)}
        {tile('count-responses', l.responses, totals.responses)}
      </div>
    </section>
  );
}

function People(props: { ctx: PageContext; report: ExposureReport }) {
  const { ctx, report } = props;
  const l = ctx.l.exposure;
  const q = ctx.c.req.query();
  const search = (q.q ?? '').trim().toLowerCase();
  const matching = search ? report.byPerson.filter((person) => person.subject.toLowerCase().includes(search)) : report.byPerson;
  const { items, page, pages } = pageOf(matching, q.page);
  const link = (n: number) => ctx.href(path, { from: q.from, to: q.to, alert: q.alert, q: q.q, page: n });
  return (
    <section aria-labelledby="people-title" class="fr-mb-4w">
      <h2 id="people-title">{l.peopleTitle}</h2>
      <form method="get" action={ctx.href(path)} role="search" class="fr-mb-3w" id="people-search">
        {['from', 'to', 'alert'].map((name) => (q[name] ? <input type="hidden" name={name} value={q[name]} /> : null))}
        <div class="fr-search-bar">
          <label class="fr-label" for="people-q">
            {l.searchLabel}
          </label>
          <input class="fr-input" type="search" id="people-q" name="q" value={q.q ?? ''} />
          <button type="submit" class="fr-btn" title={ctx.l.common.search}>
            {ctx.l.common.search}
          </button>
        </div>
      </form>
      {matching.length === 0 ? (
        <p id="people-none">{search ? format(l.noMatch, { query: q.q ?? '' }) : l.noPeople}</p>
      ) : (
        <div class="fr-table" id="people">
          <table>
            <caption>{l.peopleCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{l.person}</th>
                <th scope="col">{l.categories}</th>
                <th scope="col">{l.seenBy}</th>
                <th scope="col">{l.times}</th>
                <th scope="col">{l.firstSeen}</th>
                <th scope="col">{l.lastSeen}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((person) => (
                <tr>
                  <td>{person.subject}</td>
                  <td>{person.categories.join(', ')}</td>
                  <td>{person.receivers.length}</td>
                  <td>{person.times}</td>
                  <td>
                    <Time at={person.firstAt} ctx={ctx} />
                  </td>
                  <td>
                    <Time at={person.lastAt} ctx={ctx} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? (
        <nav role="navigation" class="fr-pagination" aria-label={ctx.l.common.pagination}>
          <ul class="fr-pagination__list">
            <li>
              {page > 1 ? (
                <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href={link(page - 1)} id="people-previous">
                  {ctx.l.common.previous}
                </a>
              ) : (
                <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" aria-disabled="true" role="link">
                  {ctx.l.common.previous}
                </a>
              )}
            </li>
            <li>
              <a class="fr-pagination__link" aria-current="page" title={format(ctx.l.common.pageOf, { page, pages })} href={link(page)}>
                {format(ctx.l.common.pageOf, { page, pages })}
              </a>
            </li>
            <li>
              {page < pages ? (
                <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={link(page + 1)} id="people-next">
                  {ctx.l.common.next}
                </a>
              ) : (
                <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" aria-disabled="true" role="link">
                  {ctx.l.common.next}
                </a>
              )}
            </li>
          </ul>
        </nav>
      ) : null}
    </section>
  );
}

function OpenBreach(props: { ctx: PageContext; report: ExposureReport; form: FormState | undefined; alertId: string | undefined }) {
  const { ctx, report, form, alertId } = props;
  const l = ctx.l.exposure;
  return (
    <section aria-labelledby="breach-title" class="fr-mb-4w">
      <h2 id="breach-title">{l.breachTitle}</h2>
      <p>{format(l.breachIntro, { people: report.totals.peopleExposed })}</p>
      <ErrorSummary form={form} action="open-breach" title={ctx.l.common.errorSummary} />
      <ActionForm ctx={ctx} page={path} action="open-breach" id="open-breach-form">
        <input type="hidden" name="from" value={report.window.fromUtc} />
        <input type="hidden" name="to" value={report.window.toUtc} />
        {alertId ? <input type="hidden" name="alert" value={alertId} /> : null}
        <Field form={form} action="open-breach" name="title" label={l.breachName} value={l.breachNameDefault} required />
        <Field form={form} action="open-breach" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
        <button type="submit" class="fr-btn" id="open-breach-submit">
          {l.openBreach}
        </button>
      </ActionForm>
    </section>
  );
}

/** Exposure: who saw whose data in a window (DPO), its shape minute by minute (DPO and SRE). */
export const exposurePage = definePage({
  path,
  api: ['GET /exposure/alerts'],
  title: (l) => l.exposure.title,
  nav: { order: 30, label: (l) => l.nav.exposure },
  scripts: ['uplot.js', 'exposure-chart.js'],
  styles: ['uplot.css'],
  async render(ctx, form) {
    const deps = ctx.deps;
    const db = requireDb(deps.db);
    const q = ctx.c.req.query();
    const chosen = await chooseWindow(deps, { from: q.from, to: q.to, alert: q.alert }, ctx.now);
    const { window } = chosen;
    const broadRoles = deps.config.exposure.broadRoles;
    // The chart's minute series is not computed here: the page's script reads it from exposure/series.
    const seesPeople = ctx.can('GET /exposure/report');
    // The read is kept while the report is computed (two connections): its durable commit no longer adds to the
    // page's time. A report that then fails leaves a read kept that showed nothing: over-counting, never under.
    const [report] = await Promise.all([
      buildExposureReport(db, window, { broadRoles, now: ctx.now }),
      seesPeople
        ? recordAction(db, { ...ctx.actor, reason: 'exposure page (console)' }, 'exposure.report.read', `${window.from.toISOString()}/${window.to.toISOString()}`, ctx.now)
        : undefined,
    ]);
    const l = ctx.l.exposure;
    return (
      <>
        <PageTitle title={l.title} intro={l.intro} />
        <WindowForm ctx={ctx} chosen={chosen} />
        <ExposureChart ctx={ctx} report={report} window={window} />
        <Counts ctx={ctx} report={report} />
        {seesPeople ? <People ctx={ctx} report={report} /> : null}
        {ctx.can('POST /breaches', 'POST /exposure/snapshots', 'POST /exposure/snapshots/{name}/attach') && report.totals.peopleExposed > 0 ? (
          <OpenBreach ctx={ctx} report={report} form={form} alertId={chosen.alertId} />
        ) : null}
      </>
    );
  },
  downloads: { series: exposureSeries },
  actions: {
    'open-breach': {
      api: ['POST /breaches', 'POST /exposure/snapshots', 'POST /exposure/snapshots/{name}/attach', 'POST /exposure/alerts/{id}/attach'],
      async run(ctx, form) {
        const deps = ctx.deps;
        const db = requireDb(deps.db);
        const reason = (form.reason ?? '').trim();
        const actor = { ...ctx.actor, reason };
        // The register's own rules for a new breach (as POST /breaches), before anything is written.
        const checked = openBreachBody.safeParse({ title: form.title ?? '', ...(reason ? { reason } : {}) });
        const errors = checked.success ? [] : checked.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        if (!reason) errors.push({ path: 'reason', message: 'is required' });
        if (errors.length > 0) throw new ValidationError(errors);
        const stamp = ctx.now.toISOString().replace(/[-:]/g, '').slice(0, 15);
        const name = `console-${stamp}-${randomToken(4).replace(/[^A-Za-z0-9]/g, 'x')}`;
        // The snapshot first: it runs the report (and checks the window and the reason) before anything is written
        // to the register, and it is what the breach will refer to.
        const snapshot = await createSnapshot(
          { db, clock: deps.clock, timeZone: deps.config.timeZone, broadRoles: deps.config.exposure.broadRoles },
          { name, from: form.from ?? '', to: form.to ?? '' },
          actor,
        );
        const people = snapshot.report.byPerson;
        const first = people.reduce<string | null>((min, p) => (min === null || p.firstAt < min ? p.firstAt : min), null);
        const last = people.reduce<string | null>((max, p) => (max === null || p.lastAt > max ? p.lastAt : max), null);
        const { id } = await openBreach(
          deps,
          {
            title: checked.data!.title,
            reason,
            startedAt: first ? new Date(first).toISOString() : undefined,
            endedAt: last ? new Date(last).toISOString() : undefined,
            peopleCount: people.length,
            recordCount: snapshot.report.totals.accesses,
            // The accounts that were shown someone else's data: known recipients, counted (the DPO says who they are).
            recipientsCount: snapshot.report.totals.receivers,
            summary: format(ctx.l.exposure.breachSummary, {
              responses: snapshot.report.totals.responses,
              receivers: snapshot.report.totals.receivers,
              from: snapshot.report.window.from,
              to: snapshot.report.window.to,
              snapshot: name,
            }),
          },
          ctx.actor,
        );
        await attachSnapshotToBreach(deps, name, id, actor);
        // The alert the window came from, on the timeline: the first sign of the incident.
        if (form.alert && /^\d{1,18}$/.test(form.alert)) await attachAlertToBreach(deps, form.alert, id, actor);
        return { redirect: ctx.href(`/breaches/${id}`, { done: 'fromExposure', people: people.length }) };
      },
    },
  },
});
