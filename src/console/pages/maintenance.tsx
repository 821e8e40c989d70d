import type { FieldError } from '../../http/errors.js';
import { ValidationError } from '../../http/errors.js';
import { endMaintenance, startMaintenance } from '../../maintenance/service.js';
import { listMaintenanceEvents, loadCurrentWindows } from '../../maintenance/store.js';
import { scopeText } from '../../maintenance/window.js';
import { ActionForm, ErrorSummary, Field, ScopeChoice, Notice, PageTitle, Time, errorOf, valueOf } from '../components.js';
import { format } from '../labels.js';
import { definePage, type FormState, type PageContext } from '../page.js';
import { requireDb } from '../session/sessions.js';
import { PastWindowForm, recordPastAction } from './maintenance-past.js';
import { readWallTime } from '../wall-time.js';

const path = '/maintenance';

function StartForm(props: { ctx: PageContext; form: FormState | undefined }) {
  const { ctx, form } = props;
  const l = ctx.l.maintenance;
  const scope = valueOf(form, 'start', 'scope', 'site');
  const scopeError = errorOf(form, 'start', 'scope') ?? errorOf(form, 'start', 'prefix');
  return (
    <section aria-labelledby="start-title" class="fr-mb-6w">
      <h2 id="start-title">{l.startTitle}</h2>
      <ErrorSummary form={form} action="start" title={ctx.l.common.errorSummary} />
      <ActionForm ctx={ctx} page={path} action="start" id="start-form">
        <ScopeChoice id="start" scope={scope} error={scopeError} labels={l} />
        <Field form={form} action="start" name="prefix" label={l.prefix} hint={l.prefixHint} />
        <div class="fr-checkbox-group fr-mb-3w">
          <input type="checkbox" id="start-readOnly" name="readOnly" value="on" checked={valueOf(form, 'start', 'readOnly') === 'on'} />
          <label class="fr-label" for="start-readOnly">
            {l.readOnly}
          </label>
        </div>
        <Field form={form} action="start" name="startsAt" label={l.startsAt} hint={l.startsAtHint} />
        <Field form={form} action="start" name="plannedEnd" label={l.plannedEnd} hint={l.plannedEndHint} />
        <Field form={form} action="start" name="publicMessage" label={l.publicMessage} hint={l.publicMessageHint} multiline />
        <Field form={form} action="start" name="reason" label={ctx.l.common.reason} hint={l.reasonHint} required multiline />
        <button type="submit" class="fr-btn fr-icon-alarm-warning-line fr-btn--icon-left" id="start-submit">
          {l.start}
        </button>
      </ActionForm>
    </section>
  );
}

async function CurrentWindows(props: { ctx: PageContext; form: FormState | undefined }) {
  const { ctx, form } = props;
  const l = ctx.l.maintenance;
  const windows = await loadCurrentWindows(requireDb(ctx.deps.db), ctx.now);
  const canEnd = ctx.can('POST /maintenance/windows/{id}/end');
  return (
    <section aria-labelledby="current-title" class="fr-mb-6w">
      <h2 id="current-title">{l.currentTitle}</h2>
      {windows.length === 0 ? <p id="no-window">{l.none}</p> : null}
      {windows.map((w) => {
        const inForce = w.startsAt <= ctx.now.getTime();
        const action = `end-${w.id}`;
        return (
          <div class="fr-card fr-mb-3w fr-p-3w" id={`window-${w.id}`}>
            <h3 class="fr-h6">
              <span class={`fr-badge ${inForce ? 'fr-badge--error' : 'fr-badge--info'} fr-mr-1w`}>{l.status[inForce ? 'in-force' : 'scheduled']}</span>
              {w.scope.kind === 'site' ? ctx.l.situation.site : scopeText(w.scope)}
              {w.readOnly ? <span class="fr-badge fr-badge--sm fr-ml-1w">{l.readOnlyTag}</span> : null}
            </h3>
            <p>
              <Time at={w.startsAt} ctx={ctx} /> → {w.plannedEnd ? <Time at={w.plannedEnd} ctx={ctx} /> : ctx.l.situation.openEnded}
            </p>
            <p>{w.reason}</p>
            {canEnd ? (
              <ActionForm ctx={ctx} page={path} action="end" id={`end-form-${w.id}`}>
                <input type="hidden" name="windowId" value={w.id} />
                <Field form={form && form.values.windowId === w.id ? { ...form, action } : undefined} action={action} name="reason" label={l.endReason} required />
                <button type="submit" class="fr-btn fr-btn--secondary">
                  {l.end}
                </button>
              </ActionForm>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}

async function History(props: { ctx: PageContext }) {
  const { ctx } = props;
  const l = ctx.l.maintenance;
  const events = await listMaintenanceEvents(requireDb(ctx.deps.db), { limit: 50, order: 'newest' });
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{l.historyTitle}</h2>
      <div class="fr-table fr-table--no-caption" id="history">
        <table>
          <caption>{l.historyCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{l.at}</th>
              <th scope="col">{l.event}</th>
              <th scope="col">{l.who}</th>
              <th scope="col">{l.why}</th>
              <th scope="col">{l.details}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr>
                <td>
                  <Time at={event.at} ctx={ctx} />
                </td>
                <td>
                  {event.kind === 'started' ? l.kindStarted : l.kindEnded}
                  {event.recorded_after_the_fact ? <span class="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">{l.afterTheFact}</span> : null}
                </td>
                <td>{event.actor}</td>
                <td>{event.reason}</td>
                <td>
                  {event.kind === 'started' ? `${event.scope === 'site' || !event.scope ? ctx.l.situation.site : event.scope}${event.read_only ? ` (${l.readOnlyTag})` : ''}` : ''}
                  {event.recorded_after_the_fact && event.starts_at ? (
                    <>
                      {` ${l.windowTimes} `}
                      <Time at={event.starts_at} ctx={ctx} />
                    </>
                  ) : null}
                  {event.planned_end ? (
                    <>
                      {' → '}
                      <Time at={event.planned_end} ctx={ctx} />
                    </>
                  ) : null}
                  {event.public_message ? <p class="fr-text--sm fr-mb-0">{`${l.publicMessageTag} ${event.public_message}`}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Maintenance: the SRE's switch, through the same service functions as the API and the CLI. */
export const maintenancePage = definePage({
  path,
  api: ['GET /maintenance/events'],
  title: (l) => l.maintenance.title,
  nav: { order: 20, label: (l) => l.nav.maintenance },
  async render(ctx, form) {
    const l = ctx.l.maintenance;
    const done = ctx.c.req.query('done');
    return (
      <>
        <PageTitle title={l.title} intro={l.intro} />
        {done === 'ended' || done === 'recorded' ? (
          <Notice kind="success" id="maintenance-notice">
            <p>{done === 'ended' ? l.ended : l.recorded}</p>
          </Notice>
        ) : null}
        {form?.notice ?? null}
        <CurrentWindows ctx={ctx} form={form} />
        {ctx.can('POST /maintenance/windows') ? <StartForm ctx={ctx} form={form} /> : null}
        <History ctx={ctx} />
        {ctx.can('POST /maintenance/history') ? <PastWindowForm ctx={ctx} form={form} page={path} /> : null}
      </>
    );
  },
  actions: {
    start: {
      api: ['POST /maintenance/windows'],
      async run(ctx, form) {
        const errors: FieldError[] = [];
        const read = (field: string) => {
          try {
            return readWallTime(form[field], field, ctx);
          } catch (error) {
            if (error instanceof ValidationError) errors.push(...error.errors);
            return undefined;
          }
        };
        const startsAt = read('startsAt');
        const plannedEnd = read('plannedEnd');
        const scope = form.scope === 'prefix' ? (form.prefix ?? '').trim() : 'site';
        if (form.scope === 'prefix' && !scope) errors.push({ path: 'prefix', message: ctx.l.messages['is required'] });
        if (errors.length > 0) throw new ValidationError(errors);
        const { event, bypassSecret } = await startMaintenance(
          ctx.deps,
          // An empty message means the page's neutral text; the reason stays internal (never shown to visitors).
          { reason: form.reason ?? '', publicMessage: form.publicMessage?.trim() ? form.publicMessage : undefined, scope, readOnly: form.readOnly === 'on', startsAt, plannedEnd },
          ctx.actor,
        );
        // This instance applies it at once; the others hear the NOTIFY (as after the API's POST).
        await ctx.deps.maintenance?.refresh();
        const origin = ctx.deps.config.console.publicUrl?.replace(/\/$/, '') ?? new URL(ctx.c.req.url).origin;
        const link = bypassSecret ? `${origin}${ctx.deps.config.adminPrefix}/maintenance/bypass/${bypassSecret}` : undefined;
        const scopeName = scope === 'site' ? ctx.l.situation.site : scope;
        const starts = event.starts_at ?? event.at;
        // Planned only when a start was typed and is ahead: an immediate switch's own time is written after
        // ctx.now (by milliseconds, more under load) and must not read as "planned".
        const scheduled = startsAt !== undefined && startsAt > ctx.now;
        return {
          notice: (
            <Notice kind="success" id="maintenance-notice">
              <p>
                {scheduled ? format(ctx.l.maintenance.scheduledNotice, { scope: scopeName, time: '' }) : format(ctx.l.maintenance.started, { scope: scopeName })}
                {scheduled ? <Time at={starts} ctx={ctx} /> : null} {ctx.l.maintenance.instancesNote}
              </p>
              {link ? (
                <>
                  <h3 class="fr-h6 fr-mt-2w">{ctx.l.maintenance.bypassTitle}</h3>
                  <p>{ctx.l.maintenance.bypassIntro}</p>
                  <p>
                    <code id="bypass-link">{link}</code>
                  </p>
                </>
              ) : null}
            </Notice>
          ),
        };
      },
    },
    end: {
      api: ['POST /maintenance/windows/{id}/end'],
      async run(ctx, form) {
        const windowId = form.windowId ?? '';
        try {
          await endMaintenance(ctx.deps, { windowId, reason: form.reason ?? '' }, ctx.actor);
        } catch (error) {
          // The reason field of this window's form shows the error.
          if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => ({ ...e, path: e.path.replace(/^body\./, '') })));
          throw error;
        }
        await ctx.deps.maintenance?.refresh();
        return { redirect: ctx.href(path, { done: 'ended' }) };
      },
    },
    'record-past': recordPastAction(path),
  },
});
