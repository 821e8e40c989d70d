import { editBreachBody, type BreachFacts } from '../../breaches/breach-facts.js';
import { ValidationError, type FieldError } from '../../http/errors.js';
import { labelsFor, type CodeList } from '../../notices/labels.js';
import { ActionForm, Field, errorOf, valueOf, wallTime } from '../components.js';
import type { FormState, PageContext } from '../page.js';
import { readWallTime } from '../wall-time.js';
import { booleanOrNull, lines, listOf, numberOrNull, parseAs, textOrNull } from './breach-forms.js';

type FactField =
  | { name: string; kind: 'text' | 'long' }
  | { name: string; kind: 'time' }
  | { name: string; kind: 'number' }
  | { name: string; kind: 'checks'; list: CodeList }
  | { name: string; kind: 'choice'; options: 'certainty' | 'recipients' | 'peopleInformed' }
  | { name: string; kind: 'yesno' }
  | { name: string; kind: 'lines'; fact: 'measures.immediate' | 'measures.mediumTerm' | 'measures.longTerm' | 'adviceToPeople' };

/** The facts the DPO fills in, grouped as the CNIL form asks them; each is a field of the register (breach-facts.ts). */
const groups: { key: 'what' | 'dates' | 'people' | 'consequences' | 'informing'; fields: FactField[] }[] = [
  {
    key: 'what',
    fields: [
      { name: 'title', kind: 'text' },
      { name: 'summary', kind: 'long' },
      { name: 'certainty', kind: 'choice', options: 'certainty' },
      { name: 'natures', kind: 'checks', list: 'natures' },
      { name: 'origins', kind: 'checks', list: 'origins' },
      { name: 'originOther', kind: 'text' },
      { name: 'causes', kind: 'checks', list: 'causes' },
      { name: 'causeOther', kind: 'text' },
      { name: 'circumstances', kind: 'long' },
    ],
  },
  {
    key: 'dates',
    fields: [
      { name: 'startedAt', kind: 'time' },
      { name: 'discoveredAt', kind: 'time' },
      { name: 'awareAt', kind: 'time' },
      { name: 'endedAt', kind: 'time' },
      { name: 'ongoing', kind: 'yesno' },
    ],
  },
  {
    key: 'people',
    fields: [
      { name: 'personCategories', kind: 'checks', list: 'personCategories' },
      { name: 'peopleCount', kind: 'number' },
      { name: 'recordCount', kind: 'number' },
      { name: 'dataCategories', kind: 'checks', list: 'dataCategories' },
      { name: 'recipients', kind: 'choice', options: 'recipients' },
      { name: 'recipientsCount', kind: 'number' },
    ],
  },
  {
    key: 'consequences',
    fields: [
      { name: 'consequences', kind: 'checks', list: 'consequences' },
      { name: 'consequencesDetail', kind: 'long' },
      { name: 'measuresImmediate', kind: 'lines', fact: 'measures.immediate' },
      { name: 'measuresMediumTerm', kind: 'lines', fact: 'measures.mediumTerm' },
      { name: 'measuresLongTerm', kind: 'lines', fact: 'measures.longTerm' },
    ],
  },
  {
    key: 'informing',
    fields: [
      { name: 'summaryForPeople', kind: 'long' },
      { name: 'adviceToPeople', kind: 'lines', fact: 'adviceToPeople' },
      { name: 'peopleInformed', kind: 'choice', options: 'peopleInformed' },
      { name: 'peopleInformedJustification', kind: 'long' },
      { name: 'delayReasons', kind: 'long' },
    ],
  },
];

const allFields = groups.flatMap((group) => group.fields);
const byFact = new Map(allFields.map((field) => [field.kind === 'lines' ? field.fact : field.name, field.name]));

/** "changes.measures.immediate.0" (the API's path) → "measuresImmediate" (the form's field). */
export function factField(path: string): string {
  const inner = path.replace(/^changes\./, '');
  if (inner === 'expectedVersion') return 'form';
  for (const [fact, field] of byFact) if (inner === fact || inner.startsWith(`${fact}.`)) return field;
  return inner;
}

/** The choices of a select: the register's codes, in the page's words (the drafts' labels, src/notices/data). */
function choices(ctx: PageContext, options: 'certainty' | 'recipients' | 'peopleInformed'): [string, string][] {
  const L = labelsFor(ctx.lang);
  if (options === 'certainty') return Object.entries(L.values.status);
  if (options === 'recipients') return Object.entries(L.register.recipients);
  return Object.entries(L.values.peopleInformed);
}

/** What the form shows for a fact stored in the register. */
function shownValue(ctx: PageContext, facts: BreachFacts, field: FactField): string {
  if (field.kind === 'lines') {
    const [a, b] = field.fact.split('.') as [keyof BreachFacts, string | undefined];
    const value = b ? (facts[a] as Record<string, string[]>)[b] : (facts[a] as string[]);
    return (value ?? []).join('\n');
  }
  const value = facts[field.name as keyof BreachFacts];
  if (value === null || value === undefined) return '';
  if (field.kind === 'time') return wallTime(new Date(value as string), ctx.zone);
  return String(value);
}

/** The facts as a form: every field with its error next to it, what was typed kept when it is refused. */
export function FactsForm(props: { ctx: PageContext; facts: BreachFacts; version: number; form: FormState | undefined; posted: Record<string, unknown>; page: string }) {
  const { ctx, facts, form } = props;
  const l = ctx.l.breach;
  const names = l.fields as Record<string, string>;
  const hints = l.hints as Record<string, string>;
  const L = labelsFor(ctx.lang);
  const refused = form?.action === 'facts';
  const formError = errorOf(form, 'facts', 'form');
  return (
    <section aria-labelledby="facts-title" class="fr-mb-6w">
      <h2 id="facts-title">{l.factsTitle}</h2>
      <p>{l.factsIntro}</p>
      {refused && form.errors.length > 0 ? (
        // Each error by the field's own label, linked to the field (the keyboard goes straight to it).
        <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="facts-errors">
          <h3 class="fr-alert__title">{ctx.l.common.errorSummary}</h3>
          <ul>
            {form.errors.map((error) => (
              <li>
                {error.path === 'form' ? error.message : <a href={`#facts-${error.path}`}>{`${names[error.path] ?? (error.path === 'reason' ? ctx.l.common.reason : error.path)} : ${error.message}`}</a>}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {formError ? <p class="fr-error-text" id="facts-form-error">{formError}</p> : null}
      <ActionForm ctx={ctx} page={props.page} action="facts" id="facts-form">
        <input type="hidden" name="expectedVersion" value={refused ? valueOf(form, 'facts', 'expectedVersion') : String(props.version)} />
        {groups.map((group) => (
          <fieldset class="fr-fieldset fr-mb-4w" aria-labelledby={`facts-${group.key}-legend`}>
            <legend class="fr-fieldset__legend fr-h5" id={`facts-${group.key}-legend`}>
              {(l.groups as Record<string, string>)[group.key]}
            </legend>
            {group.fields.map((field) => {
              const id = `facts-${field.name}`;
              const label = names[field.name] ?? field.name;
              const hint = field.kind === 'time' ? l.timeHint : field.kind === 'lines' ? l.linesHint : hints[field.name];
              const stored = shownValue(ctx, facts, field);
              const error = errorOf(form, 'facts', field.name);
              if (field.kind === 'checks') {
                const checked = refused ? listOf(props.posted, field.name) : (facts[field.name as keyof BreachFacts] as string[]);
                const words = L.values[field.list] as Record<string, string>;
                return (
                  <div class={`fr-fieldset__element`}>
                    <fieldset class={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`} id={id} aria-labelledby={`${id}-legend`}>
                      <legend class="fr-fieldset__legend fr-text--regular" id={`${id}-legend`}>
                        {label}
                      </legend>
                      {Object.entries(words).map(([code, word]) => (
                        <div class="fr-fieldset__element fr-fieldset__element--inline">
                          <div class="fr-checkbox-group">
                            <input type="checkbox" id={`${id}-${code}`} name={field.name} value={code} checked={checked.includes(code)} aria-describedby={error ? `${id}-error` : undefined} />
                            <label class="fr-label" for={`${id}-${code}`}>
                              {word}
                            </label>
                          </div>
                        </div>
                      ))}
                      {error ? (
                        <div class="fr-messages-group">
                          <p class="fr-message fr-message--error" id={`${id}-error`}>
                            {error}
                          </p>
                        </div>
                      ) : null}
                    </fieldset>
                  </div>
                );
              }
              if (field.kind === 'choice' || field.kind === 'yesno') {
                const options: [string, string][] =
                  field.kind === 'yesno'
                    ? [
                        ['true', L.yes],
                        ['false', L.no],
                      ]
                    : choices(ctx, field.options);
                const current = refused ? valueOf(form, 'facts', field.name) : stored;
                const blank = field.name === 'peopleInformed' ? null : L.unknown;
                return (
                  <div class="fr-fieldset__element">
                    <div class={`fr-select-group${error ? ' fr-select-group--error' : ''}`}>
                      <label class="fr-label" for={id}>
                        {label}
                        {hint ? <span class="fr-hint-text">{hint}</span> : null}
                      </label>
                      <select class={`fr-select${error ? ' fr-select--error' : ''}`} id={id} name={field.name} aria-describedby={error ? `${id}-error` : undefined}>
                        {blank ? (
                          <option value="" selected={current === ''}>
                            {blank}
                          </option>
                        ) : null}
                        {options.map(([code, word]) => (
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
                  </div>
                );
              }
              return (
                <div class="fr-fieldset__element">
                  <Field
                    form={form}
                    action="facts"
                    name={field.name}
                    label={label}
                    hint={hint}
                    value={stored}
                    multiline={field.kind === 'long' || field.kind === 'lines'}
                    type={field.kind === 'number' ? 'text' : undefined}
                    required={field.name === 'title'}
                  />
                </div>
              );
            })}
          </fieldset>
        ))}
        <Field form={form} action="facts" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
        <button type="submit" class="fr-btn" id="facts-submit">
          {l.saveFacts}
        </button>
      </ActionForm>
    </section>
  );
}

/**
 * The form's fields as the API's PATCH body ({ changes, reason, expectedVersion }), read by the API's own
 * schema. Times are typed in the organisation's zone ("2020-03-31 11:45") and become instants here; a time
 * the clocks skip or repeat is refused by name. Every error at once, each on its field.
 */
export function factsBody(ctx: PageContext, posted: Record<string, unknown>) {
  const errors: FieldError[] = [];
  const changes: Record<string, unknown> = {};
  const measures: Record<string, string[]> = {};
  for (const field of allFields) {
    const raw = posted[field.name];
    const value = typeof raw === 'string' ? raw : '';
    switch (field.kind) {
      case 'text':
        changes[field.name] = field.name === 'title' ? value : textOrNull(value);
        break;
      case 'long':
        changes[field.name] = textOrNull(value);
        break;
      case 'number':
        changes[field.name] = numberOrNull(value);
        break;
      case 'checks':
        changes[field.name] = listOf(posted, field.name);
        break;
      case 'choice':
        changes[field.name] = field.name === 'peopleInformed' ? value || 'undetermined' : textOrNull(value);
        break;
      case 'yesno':
        changes[field.name] = booleanOrNull(value);
        break;
      case 'time':
        try {
          changes[field.name] = readWallTime(value, field.name, ctx)?.toISOString() ?? null;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          errors.push(...error.errors);
        }
        break;
      case 'lines':
        if (field.fact === 'adviceToPeople') changes.adviceToPeople = lines(value);
        else measures[field.fact.split('.')[1]!] = lines(value);
        break;
    }
  }
  changes.measures = { immediate: measures.immediate ?? [], mediumTerm: measures.mediumTerm ?? [], longTerm: measures.longTerm ?? [] };
  const expected = Number.parseInt(String(posted.expectedVersion ?? ''), 10);
  const input = { changes, reason: typeof posted.reason === 'string' ? posted.reason : '', ...(Number.isFinite(expected) ? { expectedVersion: expected } : {}) };
  try {
    const body = parseAs(editBreachBody, input, factField);
    if (errors.length > 0) throw new ValidationError(errors);
    return body;
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError([...errors, ...error.errors.filter((e) => !errors.some((t) => t.path === e.path))]);
    throw error;
  }
}

/** The facts for those who read them only (auditors; SREs and communications staff see the reduced set). */
export function FactsView(props: { ctx: PageContext; facts: BreachFacts; only?: readonly string[] }) {
  const { ctx, facts } = props;
  const l = ctx.l.breach;
  const names = l.fields as Record<string, string>;
  const L = labelsFor(ctx.lang);
  const shown = (field: FactField): string => {
    if (field.kind === 'checks') {
      const words = L.values[field.list] as Record<string, string>;
      const codes = facts[field.name as keyof BreachFacts] as string[];
      return codes.map((code) => words[code] ?? code).join(', ');
    }
    if (field.kind === 'choice') return Object.fromEntries(choices(ctx, field.options))[shownValue(ctx, facts, field)] ?? '';
    if (field.kind === 'yesno') return shownValue(ctx, facts, field) === '' ? '' : shownValue(ctx, facts, field) === 'true' ? L.yes : L.no;
    return shownValue(ctx, facts, field);
  };
  const fields = allFields.filter((field) => !props.only || props.only.includes(field.kind === 'lines' ? field.fact.split('.')[0]! : field.name));
  return (
    <section aria-labelledby="facts-title" class="fr-mb-6w">
      <h2 id="facts-title">{l.factsTitle}</h2>
      <dl id="facts">
        {fields.map((field) => (
          <>
            <dt class="fr-text--bold">{names[field.name] ?? field.name}</dt>
            <dd class="fr-mb-1w">{shown(field) || L.unknown}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}
