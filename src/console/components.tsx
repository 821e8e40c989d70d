import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { formatForPeople } from '../maintenance/format-time.js';
import { isoInZone } from '../time/zoned.js';
import type { ConsoleLanguage } from './labels.js';
import type { FormState, PageContext } from './page.js';

/** "31 mars 2020 à 11:45 (UTC+02:00)": what people read; the machine-readable instant in datetime. */
export function Time(props: { at: Date | number | string; ctx: { lang: ConsoleLanguage; zone: string }; id?: string }) {
  const ms = new Date(props.at).getTime();
  return (
    <time datetime={new Date(ms).toISOString()} id={props.id}>
      {formatForPeople(ms, props.ctx.zone, props.ctx.lang)}
    </time>
  );
}

/** "2020-03-31 11:45" in the zone: what a time field shows and reads back. */
export const wallTime = (at: Date | number, zone: string): string => isoInZone(new Date(at).getTime(), zone).slice(0, 16).replace('T', ' ');

/** The form's hidden CSRF field: every console form carries it. */
export function Csrf(props: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.ctx.session.csrfToken} />;
}

/** A POST form to one of the page's actions, with its CSRF field. */
export function ActionForm(props: { ctx: PageContext; page: string; action: string; id?: string; class?: string; children?: Child }) {
  return (
    <form method="post" action={props.ctx.href(`${props.page === '/' ? '' : props.page}/${props.action}`)} id={props.id} class={props.class}>
      <Csrf ctx={props.ctx} />
      {props.children}
    </form>
  );
}

export const errorOf = (form: FormState | undefined, action: string, field: string): string | undefined =>
  form && form.action === action ? form.errors.find((error) => error.path === field)?.message : undefined;

export const valueOf = (form: FormState | undefined, action: string, field: string, fallback = ''): string =>
  form && form.action === action && field in form.values ? form.values[field]! : fallback;

interface FieldProps {
  form: FormState | undefined;
  action: string;
  name: string;
  label: string;
  hint?: string;
  value?: string;
  type?: string;
  required?: boolean;
  multiline?: boolean;
  autocomplete?: string;
}

/** A labelled input in the design system's markup, with its hint and its error (aria-describedby). */
export function Field(props: FieldProps) {
  const id = `${props.action}-${props.name}`;
  const error = errorOf(props.form, props.action, props.name);
  const value = valueOf(props.form, props.action, props.name, props.value ?? '');
  const describedBy = error ? `${id}-error` : undefined;
  const common = {
    id,
    name: props.name,
    class: `fr-input${error ? ' fr-input--error' : ''}`,
    'aria-describedby': describedBy,
    'aria-invalid': error ? 'true' : undefined,
    required: props.required,
    autocomplete: props.autocomplete ?? 'off',
  };
  return (
    <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.hint ? <span class="fr-hint-text">{props.hint}</span> : null}
      </label>
      {props.multiline ? <textarea {...common} rows={3}>{value}</textarea> : <input {...common} type={props.type ?? 'text'} value={value} />}
      {error ? (
        <p id={`${id}-error`} class="fr-error-text">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The errors of a form above it, so that a screen-reader user hears them first. */
export function ErrorSummary(props: { form: FormState | undefined; action: string; title: string }) {
  if (!props.form || props.form.action !== props.action || props.form.errors.length === 0) return null;
  return (
    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id={`${props.action}-errors`}>
      <h3 class="fr-alert__title">{props.title}</h3>
      <ul>
        {props.form.errors.map((error) => (
          <li>{error.path === 'form' ? error.message : `${error.path} : ${error.message}`}</li>
        ))}
      </ul>
    </div>
  );
}

export function Notice(props: { kind: 'success' | 'info' | 'warning' | 'error'; title?: string; id?: string; children?: Child }) {
  return (
    <div class={`fr-alert fr-alert--${props.kind} fr-mb-3w`} role={props.kind === 'error' ? 'alert' : 'status'} id={props.id}>
      {props.title ? <h3 class="fr-alert__title">{props.title}</h3> : null}
      {props.children}
    </div>
  );
}

/** A page's title block. */
export function PageTitle(props: { title: string; intro?: string }) {
  return (
    <div class="fr-mb-4w">
      <h1>{props.title}</h1>
      {props.intro ? <p class="fr-text--lead">{props.intro}</p> : null}
    </div>
  );
}

/** Whole site or a path prefix: the maintenance forms' scope radios (`<id>-scope-site`, `<id>-scope-prefix`). */
export function ScopeChoice(props: { id: string; scope: string; error: string | undefined; labels: { scope: string; scopeSite: string; scopePrefix: string } }) {
  const { id, scope, labels: l } = props;
  return (
    <fieldset class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`} id={`${id}-scope`} aria-labelledby={`${id}-scope-legend`}>
      <legend class="fr-fieldset__legend" id={`${id}-scope-legend`}>
        {l.scope}
      </legend>
      <div class="fr-fieldset__element">
        <div class="fr-radio-group">
          <input type="radio" id={`${id}-scope-site`} name="scope" value="site" checked={scope !== 'prefix'} />
          <label class="fr-label" for={`${id}-scope-site`}>
            {l.scopeSite}
          </label>
        </div>
      </div>
      <div class="fr-fieldset__element">
        <div class="fr-radio-group">
          <input type="radio" id={`${id}-scope-prefix`} name="scope" value="prefix" checked={scope === 'prefix'} />
          <label class="fr-label" for={`${id}-scope-prefix`}>
            {l.scopePrefix}
          </label>
        </div>
      </div>
    </fieldset>
  );
}

/** JSON inside a <script type="application/json"> block: "<" escaped, so no text can close the block. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * What a chart drawn by the page's script needs around it: the sentence shown without JavaScript, the one its
 * script shows when the chart's data does not come, and the data block the script reads (`id`).
 */
export function ChartScriptParts(props: { id: string; data: unknown; needsScript: string; failed: string }) {
  return (
    <>
      <noscript>
        <p id="chart-needs-script">{props.needsScript}</p>
      </noscript>
      {/* A wrapper carries `hidden`: DSFR's error text sets its own display, which would show it anyway. */}
      <div id="chart-failed" hidden>
        <p class="fr-error-text">{props.failed}</p>
      </div>
      <script type="application/json" id={props.id}>
        {raw(scriptJson(props.data))}
      </script>
    </>
  );
}
