import type { BreachRecord } from '../../breaches/get-breach.js';
import type { Revision } from '../../breaches/revisions.js';
import { describeEntry } from '../../breaches/timeline-labels.js';
import { formatForPeople } from '../../maintenance/format-time.js';
import { labelsFor } from '../../notices/labels.js';
import { ActionForm, ErrorSummary, Field, Time, errorOf, valueOf } from '../components.js';
import { format } from '../labels.js';
import type { FormState, PageContext } from '../page.js';

const twelveHours = 12 * 3600_000;

/** "reste 11 h 05 min" / "en retard de 2 h 00 min". */
function remaining(ctx: PageContext, dueAt: Date): string {
  const ms = dueAt.getTime() - ctx.now.getTime();
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  return format(ms >= 0 ? ctx.l.situation.remaining : ctx.l.situation.overdue, { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** Every clock of the breach (GDPR and the regimes declared), due time in Paris time with its offset; red under 12 h. */
export function Clocks(props: { ctx: PageContext; record: BreachRecord }) {
  const { ctx, record } = props;
  const l = ctx.l.breach;
  const states = labelsFor(ctx.lang).register.clockState as Record<string, string>;
  return (
    <section aria-labelledby="clocks-title" class="fr-mb-6w">
      <h2 id="clocks-title">{l.clocksTitle}</h2>
      <ul id="clocks">
        {record.clocks.map((clock) => {
          const running = clock.state === 'running';
          const urgent = running && clock.dueAt !== null && clock.dueAt.getTime() - ctx.now.getTime() < twelveHours;
          const red = urgent || clock.state === 'missed';
          return (
            <li class="fr-mb-1w" data-clock={`${clock.regime}/${clock.step}`}>
              <strong>{ctx.lang === 'fr' ? clock.fr : clock.en}</strong>
              {' — '}
              {clock.dueAt ? (
                <>
                  {l.dueAt} <Time at={clock.dueAt} ctx={ctx} />
                  {clock.provisional ? ` (${l.provisional})` : ''}{' '}
                </>
              ) : (
                `${l.waitingAware} `
              )}
              <span class={`fr-badge fr-badge--sm ${red ? 'fr-badge--error' : running ? 'fr-badge--warning' : 'fr-badge--info'}`} data-urgent={red ? 'true' : 'false'}>
                {running && clock.dueAt ? remaining(ctx, clock.dueAt) : (states[clock.state] ?? clock.state)}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** What happened and when, Vigie's own entries in the page's language. */
export function Timeline(props: { ctx: PageContext; record: BreachRecord; form: FormState | undefined; page: string; canAdd: boolean }) {
  const { ctx, record, form } = props;
  const l = ctx.l.breach;
  return (
    <section aria-labelledby="timeline-title" class="fr-mb-6w">
      <h2 id="timeline-title">{l.timelineTitle}</h2>
      {record.timeline.length === 0 ? <p id="timeline-none">{l.timelineNone}</p> : null}
      <ol id="timeline">
        {record.timeline.map((entry) => (
          <li class="fr-mb-1w">
            <Time at={entry.at} ctx={ctx} />
            {' — '}
            {describeEntry(entry, ctx.lang)}
            {entry.actor ? <span class="fr-text--sm"> ({entry.actor})</span> : null}
          </li>
        ))}
      </ol>
      {props.canAdd ? (
        <details class="fr-mt-2w" open={form?.action === 'event'}>
          <summary>{l.addEvent}</summary>
          <ErrorSummary form={form} action="event" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={props.page} action="event" id="event-form">
            <div class="fr-select-group">
              <label class="fr-label" for="event-kind">
                {l.eventKind}
              </label>
              <select class="fr-select" id="event-kind" name="kind">
                {Object.entries(l.eventKinds).map(([code, word]) => (
                  <option value={code} selected={valueOf(form, 'event', 'kind') === code}>
                    {word}
                  </option>
                ))}
              </select>
            </div>
            <Field form={form} action="event" name="at" label={l.eventAt} hint={l.timeHint} required />
            <Field form={form} action="event" name="summary" label={l.eventSummary} required multiline />
            <button type="submit" class="fr-btn fr-btn--secondary" id="event-submit">
              {l.addEventSubmit}
            </button>
          </ActionForm>
        </details>
      ) : null}
    </section>
  );
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A revision's value as people read it: instants in the organisation's zone with their offset. */
const shownChange = (ctx: PageContext, value: unknown): string =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'string'
      ? isoInstant.test(value)
        ? formatForPeople(new Date(value).getTime(), ctx.zone, ctx.lang)
        : value
      : JSON.stringify(value);

/** Every revision: who, when, why, and what changed from what to what. */
export function Revisions(props: { ctx: PageContext; revisions: Revision[] }) {
  const { ctx } = props;
  const l = ctx.l.breach;
  const names = l.fields as Record<string, string>;
  return (
    <section aria-labelledby="revisions-title" class="fr-mb-6w">
      <h2 id="revisions-title">{l.revisionsTitle}</h2>
      <div class="fr-table" id="revisions">
        <table>
          <caption>{l.revisionsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{l.version}</th>
              <th scope="col">{ctx.l.maintenance.at}</th>
              <th scope="col">{ctx.l.maintenance.who}</th>
              <th scope="col">{ctx.l.maintenance.why}</th>
              <th scope="col">{l.whatChanged}</th>
            </tr>
          </thead>
          <tbody>
            {[...props.revisions].reverse().map((revision) => (
              <tr>
                <td>{revision.version}</td>
                <td>
                  <Time at={revision.at} ctx={ctx} />
                </td>
                <td>{revision.actor}</td>
                <td>{revision.reason}</td>
                <td>
                  <ul class="fr-text--sm fr-mb-0">
                    {revision.changes.slice(0, 20).map((change) => (
                      <li>
                        <strong>{names[change.field] ?? change.field}</strong>
                        {' : '}
                        <del>{shownChange(ctx, change.before).slice(0, 200)}</del> → <ins>{shownChange(ctx, change.after).slice(0, 200)}</ins>
                      </li>
                    ))}
                    {revision.changes.length > 20 ? <li>{format(l.moreChanges, { count: revision.changes.length - 20 })}</li> : null}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The latest assessment (score, band, recommendation and its reasons), the assess form, the decision and its form. */
export function Assessment(props: { ctx: PageContext; record: BreachRecord; form: FormState | undefined; page: string; canAssess: boolean; canDecide: boolean }) {
  const { ctx, record, form } = props;
  const l = ctx.l.breach;
  const L = labelsFor(ctx.lang);
  const adviceWords = L.form.advice as { authority: Record<string, string>; people: Record<string, string> };
  const a = record.assessment;
  const d = record.decision;
  const present = a ? a.recommendation.factors.filter((f) => f.status === 'present') : [];
  const unknown = a ? a.recommendation.factors.filter((f) => f.status === 'unknown') : [];
  return (
    <section aria-labelledby="assessment-title" class="fr-mb-6w">
      <h2 id="assessment-title">{l.assessmentTitle}</h2>
      {a ? (
        <div class="fr-card fr-p-3w fr-mb-3w" id="assessment">
          <p>
            {format(l.assessedBy, { actor: a.actor })} <Time at={a.at} ctx={ctx} />
          </p>
          <p class="fr-h4" id="assessment-score">
            {format(l.score, { score: a.score.score, band: (l.bands as Record<string, string>)[a.score.band] ?? a.score.band })}
          </p>
          <p id="recommendation">
            <strong>{l.recommendation}</strong> {adviceWords.authority[a.recommendation.authority] ?? a.recommendation.authority} ; {adviceWords.people[a.recommendation.people] ?? a.recommendation.people}
          </p>
          <p>{a.recommendation.summary[ctx.lang]}</p>
          <h3 class="fr-h6">{l.reasons}</h3>
          <ul id="reasons">
            {present.map((factor) => (
              <li>
                {factor[ctx.lang]} <span class="fr-text--xs">({factor.source})</span>
              </li>
            ))}
          </ul>
          {unknown.length > 0 ? (
            <>
              <h3 class="fr-h6">{l.toEstablish}</h3>
              <ul id="unknown-factors">
                {unknown.map((factor) => (
                  <li>{factor[ctx.lang]}</li>
                ))}
              </ul>
            </>
          ) : null}
          {a.note ? <p>{a.note}</p> : null}
        </div>
      ) : (
        <p id="no-assessment">{l.noAssessment}</p>
      )}
      {props.canAssess ? (
        <details class="fr-mb-3w" open={!a || form?.action === 'assess'}>
          <summary>{a ? l.assessAgain : l.assess}</summary>
          <p>{l.assessIntro}</p>
          <ErrorSummary form={form} action="assess" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={props.page} action="assess" id="assess-form">
            <Choice ctx={ctx} form={form} action="assess" name="easeOfIdentification" label={l.easeOfIdentification} options={l.easeOptions} blank={l.fromRegister} />
            <Choice ctx={ctx} form={form} action="assess" name="likelyConsequences" label={l.likelyConsequences} options={l.consequenceOptions} blank={l.fromRegister} />
            <Field form={form} action="assess" name="note" label={l.note} multiline />
            <button type="submit" class="fr-btn" id="assess-submit">
              {l.assessSubmit}
            </button>
          </ActionForm>
        </details>
      ) : null}
      <h3 id="decision-title">{l.decisionTitle}</h3>
      {d ? (
        <div class="fr-card fr-p-3w fr-mb-3w" id="decision">
          <p>
            {format(l.decidedBy, { actor: d.actor })} <Time at={d.at} ctx={ctx} />
          </p>
          <p>
            {L.register.decisionAuthority[d.authority]} ; {L.register.decisionPeople[d.people]}
          </p>
          {d.departures.length > 0 ? (
            <p class="fr-badge fr-badge--warning" id="departure">
              {l.departs}
            </p>
          ) : null}
          {d.justification ? <p id="decision-justification">{d.justification}</p> : null}
        </div>
      ) : (
        <p id="no-decision">{l.noDecision}</p>
      )}
      {props.canDecide ? (
        <details open={form?.action === 'decide' || (Boolean(a) && !d)}>
          <summary>{d ? l.decideAgain : l.decide}</summary>
          <p>{l.decideIntro}</p>
          <ErrorSummary form={form} action="decide" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={props.page} action="decide" id="decide-form">
            <Choice ctx={ctx} form={form} action="decide" name="authority" label={l.authority} options={L.register.decisionAuthority} value={a ? (a.recommendation.authority === 'record-only' ? 'not-notify' : 'notify') : 'notify'} />
            <Choice ctx={ctx} form={form} action="decide" name="people" label={l.people} options={L.register.decisionPeople} value={a ? ({ inform: 'inform', 'public-communication': 'public-communication', 'do-not-inform': 'not-inform', depends: 'undetermined' } as Record<string, string>)[a.recommendation.people] : 'undetermined'} />
            <Field form={form} action="decide" name="justification" label={l.justification} hint={l.justificationHint} multiline />
            <Field form={form} action="decide" name="delayReasons" label={(l.fields as Record<string, string>).delayReasons!} hint={l.delayHint} multiline />
            <button type="submit" class="fr-btn" id="decide-submit">
              {l.decideSubmit}
            </button>
          </ActionForm>
        </details>
      ) : null}
    </section>
  );
}

/** A select of coded choices; the blank choice (if any) means "as the register says". */
export function Choice(props: { ctx: PageContext; form: FormState | undefined; action: string; name: string; label: string; options: Record<string, string>; blank?: string; value?: string }) {
  const id = `${props.action}-${props.name}`;
  const error = errorOf(props.form, props.action, props.name);
  const current = valueOf(props.form, props.action, props.name, props.value ?? '');
  return (
    <div class={`fr-select-group${error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {props.label}
      </label>
      <select class={`fr-select${error ? ' fr-select--error' : ''}`} id={id} name={props.name} aria-describedby={error ? `${id}-error` : undefined}>
        {props.blank !== undefined ? (
          <option value="" selected={current === ''}>
            {props.blank}
          </option>
        ) : null}
        {Object.entries(props.options).map(([code, word]) => (
          <option value={code} selected={current === code}>
            {word}
          </option>
        ))}
      </select>
      {error ? (
        <p class="fr-error-text" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** What each next step of the register still needs (data/next-steps.json), and the form that moves the breach on. */
export function NextSteps(props: { ctx: PageContext; record: BreachRecord; form: FormState | undefined; page: string; canMove: boolean }) {
  const { ctx, record, form } = props;
  const l = ctx.l.breach;
  const steps = Object.entries(record.missing).filter(([, items]) => items.length > 0);
  const statuses = Object.entries(ctx.l.situation.status as Record<string, string>).filter(([code]) => code !== record.status);
  return (
    <section aria-labelledby="next-title" class="fr-mb-6w">
      <h2 id="next-title">{l.nextTitle}</h2>
      {steps.length === 0 ? (
        <p id="missing-none">{l.nothingMissing}</p>
      ) : (
        <div class="fr-callout" id="missing">
          {steps.map(([step, items]) => (
            <>
              <h3 class="fr-callout__title fr-h6">{(l.steps as Record<string, string>)[step] ?? step}</h3>
              <ul data-step={step}>
                {items.map((item) => (
                  <li>{item[ctx.lang]}</li>
                ))}
              </ul>
            </>
          ))}
        </div>
      )}
      {props.canMove ? (
        <details class="fr-mt-2w" open={form?.action === 'status'}>
          <summary>{l.moveOn}</summary>
          <ErrorSummary form={form} action="status" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={props.page} action="status" id="status-form">
            <Choice ctx={ctx} form={form} action="status" name="status" label={l.newStatus} options={Object.fromEntries(statuses)} />
            <Field form={form} action="status" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
            <button type="submit" class="fr-btn fr-btn--secondary" id="status-submit">
              {l.moveOnSubmit}
            </button>
          </ActionForm>
        </details>
      ) : null}
    </section>
  );
}
