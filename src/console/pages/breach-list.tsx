import { openBreachBody } from '../../breaches/breach-facts.js';
import { openBreach } from '../../breaches/edit-breach.js';
import { listBreaches } from '../../breaches/get-breach.js';
import { ActionForm, ErrorSummary, Field, PageTitle, Time } from '../components.js';
import { format } from '../labels.js';
import { definePage } from '../page.js';
import { requireDb } from '../session/sessions.js';
import { asForm, parseAs, textOrNull } from './breach-forms.js';

const twelveHours = 12 * 3600_000;

/** The register: every breach, notified or not, with its GDPR clock (red under 12 h); the DPO opens one here. */
export const breachListPage = definePage({
  path: '/breaches',
  api: ['GET /breaches'],
  title: (l) => l.breaches.title,
  nav: { order: 40, label: (l) => l.nav.breaches },
  async render(ctx, form) {
    const l = ctx.l.breaches;
    const lines = await listBreaches(requireDb(ctx.deps.db), { config: ctx.deps.config, now: ctx.now });
    const full = ctx.can('GET /breaches/{id}/revisions');
    const statusWords = ctx.l.situation.status as Record<string, string>;
    return (
      <>
        <PageTitle title={l.title} intro={l.intro} />
        {lines.length === 0 ? (
          <p id="breaches-none">{l.none}</p>
        ) : (
          <div class="fr-table" id="register">
            <table>
              <caption>{l.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{l.breach}</th>
                  <th scope="col">{l.status}</th>
                  <th scope="col">{l.awareAt}</th>
                  {full ? <th scope="col">{l.gdprClock}</th> : null}
                  <th scope="col">{l.population}</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => {
                  const due = line.gdprDueAt;
                  const running = line.gdprState === 'running';
                  const red = (running && due !== null && due.getTime() - ctx.now.getTime() < twelveHours) || line.gdprState === 'missed';
                  return (
                    <tr>
                      <td>
                        <a class="fr-link" href={ctx.href(`/breaches/${line.id}`)}>
                          {format(ctx.l.situation.breach, { id: line.id, title: line.title })}
                        </a>
                      </td>
                      <td>{statusWords[line.status] ?? line.status}</td>
                      <td>{line.awareAt ? <Time at={line.awareAt} ctx={ctx} /> : '—'}</td>
                      {full ? (
                        <td>
                          {due && (running || line.gdprState === 'missed') ? (
                            <>
                              <Time at={due} ctx={ctx} />{' '}
                              <span class={`fr-badge fr-badge--sm ${red ? 'fr-badge--error' : 'fr-badge--warning'}`} data-urgent={red ? 'true' : 'false'}>
                                {line.gdprState === 'missed' ? l.missed : l.running}
                              </span>
                            </>
                          ) : (
                            (l.clockStates as Record<string, string>)[line.gdprState] ?? line.gdprState
                          )}
                        </td>
                      ) : null}
                      <td>{line.population}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {ctx.can('POST /breaches') ? (
          <section aria-labelledby="open-title" class="fr-mt-4w">
            <h2 id="open-title">{l.openTitle}</h2>
            <ErrorSummary form={form} action="open" title={ctx.l.common.errorSummary} />
            <ActionForm ctx={ctx} page="/breaches" action="open" id="open-form">
              <Field form={form} action="open" name="title" label={l.name} required />
              <Field form={form} action="open" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} />
              <button type="submit" class="fr-btn" id="open-submit">
                {l.open}
              </button>
            </ActionForm>
          </section>
        ) : null}
      </>
    );
  },
  actions: {
    open: {
      api: ['POST /breaches'],
      async run(ctx, form) {
        const body = parseAs(openBreachBody, { title: form.title ?? '', ...(textOrNull(form.reason) ? { reason: form.reason } : {}) });
        const { id } = await asForm(openBreach(ctx.deps, body, ctx.actor));
        return { redirect: ctx.href(`/breaches/${id}`, { done: 'opened' }) };
      },
    },
  },
});
