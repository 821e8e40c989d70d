import { ValidationError, type FieldError } from '../../http/errors.js';
import { recordPastMaintenance } from '../../maintenance/record-past.js';
import { ActionForm, ErrorSummary, Field, ScopeChoice, errorOf, valueOf } from '../components.js';
import type { ConsoleAction, FormState, PageContext } from '../page.js';
import { readWallTime } from '../wall-time.js';

const action = 'record-past';

/**
 * A window that already happened, entered after the fact (POST /maintenance/history): the history and the
 * breach timelines carry it, traffic never sees it. Its times are typed in Paris time, like the start form's.
 */
export function PastWindowForm(props: { ctx: PageContext; form: FormState | undefined; page: string }) {
  const { ctx, form } = props;
  const l = ctx.l.maintenance;
  const scope = valueOf(form, action, 'scope', 'site');
  const scopeError = errorOf(form, action, 'prefix');
  return (
    <section aria-labelledby="past-title" class="fr-mb-6w">
      <h2 id="past-title">{l.pastTitle}</h2>
      <p>{l.pastIntro}</p>
      <ErrorSummary form={form} action={action} title={ctx.l.common.errorSummary} />
      <ActionForm ctx={ctx} page={props.page} action={action} id="past-form">
        <ScopeChoice id="past" scope={scope} error={scopeError} labels={l} />
        <Field form={form} action={action} name="prefix" label={l.prefix} hint={l.prefixHint} />
        <div class="fr-checkbox-group fr-mb-3w">
          <input type="checkbox" id="record-past-readOnly" name="readOnly" value="on" checked={valueOf(form, action, 'readOnly') === 'on'} />
          <label class="fr-label" for="record-past-readOnly">
            {l.readOnly}
          </label>
        </div>
        <Field form={form} action={action} name="startedAt" label={l.pastStartedAt} hint={l.pastHint} required />
        <Field form={form} action={action} name="endedAt" label={l.pastEndedAt} hint={l.pastHint} required />
        <Field form={form} action={action} name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required multiline />
        <button type="submit" class="fr-btn fr-btn--secondary" id="past-submit">
          {l.pastSubmit}
        </button>
      </ActionForm>
    </section>
  );
}

/** The form's action: the same service function as POST /maintenance/history. */
export function recordPastAction(page: string): ConsoleAction {
  return {
    api: ['POST /maintenance/history'],
    async run(ctx, form) {
      const errors: FieldError[] = [];
      const read = (field: string) => {
        try {
          const at = readWallTime(form[field], field, ctx);
          if (!at) errors.push({ path: field, message: ctx.l.messages['is required'] });
          return at;
        } catch (error) {
          if (error instanceof ValidationError) errors.push(...error.errors);
          return undefined;
        }
      };
      const startedAt = read('startedAt');
      const endedAt = read('endedAt');
      const scope = form.scope === 'prefix' ? (form.prefix ?? '').trim() : 'site';
      if (form.scope === 'prefix' && !scope) errors.push({ path: 'prefix', message: ctx.l.messages['is required'] });
      if (errors.length > 0) throw new ValidationError(errors);
      try {
        await recordPastMaintenance(ctx.deps, { reason: form.reason ?? '', scope, readOnly: form.readOnly === 'on', startedAt: startedAt!, endedAt: endedAt! }, ctx.actor);
      } catch (error) {
        // The scope's error shows on the prefix field, the one a person typed.
        if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => (e.path === 'body.scope' ? { ...e, path: 'prefix' } : e)));
        throw error;
      }
      return { redirect: ctx.href(page, { done: 'recorded' }) };
    },
  };
}
