import type { DeliveryCampaign } from '../../db/tables/delivery-campaign.js';
import { changeCampaign } from '../../delivery/control.js';
import type { Reconciliation } from '../../delivery/reconciliation.js';
import { resendCampaign, resendSelection, type ResendInput } from '../../delivery/resend.js';
import { reasonField } from '../../delivery/views.js';
import { deliveryContext } from '../../delivery/wiring.js';
import type { DeliveryChannel } from '../../delivery/ports.js';
import { ValidationError } from '../../http/errors.js';
import { ActionForm, ErrorSummary, Field, Notice, valueOf } from '../components.js';
import { format } from '../labels.js';
import type { ActionResult, ConsoleAction, FormState, PageContext } from '../page.js';

const channels = ['email', 'sms', 'letter'] as const;
const fieldsOf = ['state-failed', 'state-unknown', 'state-silent', 'silentAfterMinutes', 'carrier', 'channel', 'reason'] as const;

/** The reason as the API's schema checks it (reasonField), named as the form names it. */
export function checkReason(reason: string | undefined): string {
  const checked = reasonField.safeParse(reason ?? '');
  if (!checked.success) throw new ValidationError(checked.error.issues.map((issue) => ({ path: 'reason', message: issue.message })));
  return checked.data;
}

/** The form's choice as the resend service reads it (the same input as POST …/resend's body). */
function resendInput(form: Record<string, string>, defaultSilent: number): Omit<ResendInput, 'reason'> {
  const states = (['failed', 'unknown', 'silent'] as const).filter((state) => form[`state-${state}`] === 'on');
  const minutesText = (form.silentAfterMinutes ?? '').trim();
  const minutes = minutesText === '' ? defaultSilent : Number(minutesText);
  if (states.includes('silent') && (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)) {
    throw new ValidationError([{ path: 'silentAfterMinutes', message: 'must be a whole number of minutes between 1 and 1440' }]);
  }
  const target = (channels as readonly string[]).includes(form.channel ?? '') ? (form.channel as DeliveryChannel) : undefined;
  return {
    states,
    ...(states.includes('silent') ? { silentAfterMinutes: minutes } : {}),
    ...(form.carrier ? { carrier: form.carrier } : {}),
    ...(target ? { channel: target } : {}),
  };
}

/**
 * "Resend to the undelivered": the form, the count shown for confirmation, then the resend campaign created
 * and started, through resendSelection/resendCampaign/changeCampaign as the API's routes call them. The count
 * confirmed travels with the confirmation (expectedCount): a selection that changed meanwhile is shown again.
 */
export function ResendForm(props: { ctx: PageContext; page: string; campaign: DeliveryCampaign; report: Reconciliation; form: FormState | undefined }) {
  const { ctx, form, campaign } = props;
  const l = ctx.l.campaign;
  const fresh = !form || form.action !== 'resend';
  const checked = (state: string, byDefault: boolean) => (fresh ? byDefault : valueOf(form, 'resend', `state-${state}`) === 'on');
  const carriers = props.report.rows.filter((row) => row.dimension === 'carrier').map((row) => row.value);
  const carrier = valueOf(form, 'resend', 'carrier', ctx.c.req.query('carrier') ?? '');
  const target = valueOf(form, 'resend', 'channel', '');
  const receipts = campaign.channel === 'sms';
  const statesError = form?.action === 'resend' ? form.errors.find((e) => e.path === 'states')?.message : undefined;
  const box = (state: 'failed' | 'unknown' | 'silent', label: string, byDefault: boolean) => (
    <div class="fr-fieldset__element">
      <div class="fr-checkbox-group">
        <input type="checkbox" id={`resend-state-${state}`} name={`state-${state}`} value="on" checked={checked(state, byDefault)} />
        <label class="fr-label" for={`resend-state-${state}`}>
          {label}
        </label>
      </div>
    </div>
  );
  return (
    <section aria-labelledby="resend-title" class="fr-mb-6w" id="resend">
      <h2 id="resend-title">{l.resendTitle}</h2>
      <p>{l.resendIntro}</p>
      <ErrorSummary form={form} action="resend" title={ctx.l.common.errorSummary} />
      <ActionForm ctx={ctx} page={props.page} action="resend" id="resend-form">
        <fieldset class={`fr-fieldset${statesError ? ' fr-fieldset--error' : ''}`} id="resend-states" aria-labelledby="resend-states-legend">
          <legend class="fr-fieldset__legend" id="resend-states-legend">
            {l.statesLegend}
          </legend>
          {box('failed', l.stateFailed, true)}
          {box('unknown', l.stateUnknown, true)}
          {receipts ? box('silent', l.stateSilent, false) : null}
          {statesError ? (
            <div class="fr-messages-group">
              <p class="fr-message fr-message--error" id="resend-states-error">
                {statesError}
              </p>
            </div>
          ) : null}
        </fieldset>
        {receipts ? (
          <Field form={form} action="resend" name="silentAfterMinutes" label={l.silentAfter} type="number" value={String(props.report.silentAfterMinutes)} />
        ) : null}
        {carriers.length > 0 && receipts ? (
          <div class="fr-select-group">
            <label class="fr-label" for="resend-carrier">
              {l.carrierField}
            </label>
            <select class="fr-select" id="resend-carrier" name="carrier">
              <option value="" selected={carrier === ''}>
                {l.allCarriers}
              </option>
              {carriers.map((c) => (
                <option value={c} selected={c === carrier}>
                  {c}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="fr-select-group">
          <label class="fr-label" for="resend-channel">
            {l.resendChannel}
          </label>
          <select class="fr-select" id="resend-channel" name="channel">
            <option value="" selected={target === ''}>
              {`${l.sameChannel} (${l.channels[campaign.channel]})`}
            </option>
            {channels
              .filter((c) => c !== campaign.channel)
              .map((c) => (
                <option value={c} selected={c === target}>
                  {l.channels[c]}
                </option>
              ))}
          </select>
        </div>
        <Field form={form} action="resend" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
        <button type="submit" class="fr-btn fr-btn--secondary" id="resend-check">
          {l.resendCheck}
        </button>
      </ActionForm>
    </section>
  );
}

function Confirmation(props: { ctx: PageContext; page: string; form: Record<string, string>; count: number; input: Omit<ResendInput, 'reason'>; channel: DeliveryCampaign['channel']; changed: boolean }) {
  const { ctx, form, count, input } = props;
  const l = ctx.l.campaign;
  const stateNames: Record<string, string> = { failed: l.stateFailed, unknown: l.stateUnknown, silent: l.seriesSilent };
  return (
    <div class="fr-alert fr-alert--warning fr-mb-4w" role="alertdialog" aria-labelledby="resend-confirm-title" aria-describedby="resend-confirm-text" id="resend-confirmation">
      <h2 class="fr-alert__title" id="resend-confirm-title">
        {l.confirmTitle}
      </h2>
      {props.changed ? <p id="resend-changed">{l.confirmChanged}</p> : null}
      <p id="resend-confirm-text">
        {format(l.confirmText, {
          count,
          states: input.states.map((s) => stateNames[s]!.toLowerCase()).join(', '),
          carrier: input.carrier ? format(l.confirmCarrier, { carrier: input.carrier }) : '',
          channel: l.channels[input.channel ?? props.channel],
          reason: form.reason ?? '',
        })}
      </p>
      <ActionForm ctx={ctx} page={props.page} action="resend" id="resend-confirm-form">
        {fieldsOf.map((name) => (form[name] !== undefined ? <input type="hidden" name={name} value={form[name]} /> : null))}
        <input type="hidden" name="expectedCount" value={String(count)} />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" class="fr-btn" id="resend-confirm" name="confirm" value="yes">
              {format(l.confirm, { count })}
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={ctx.href(props.page)} id="resend-cancel">
              {l.cancel}
            </a>
          </li>
        </ul>
      </ActionForm>
    </div>
  );
}

export function resendAction(pageOf: (ctx: PageContext) => string): ConsoleAction {
  return {
    api: ['POST /delivery/campaigns/{id}/resend', 'POST /delivery/campaigns/{id}/{action}'],
    async run(ctx, form): Promise<ActionResult> {
      const page = pageOf(ctx);
      const id = ctx.c.req.param('id') ?? '';
      const delivery = deliveryContext(ctx.deps);
      const reason = checkReason(form.reason);
      const input = resendInput(form, Math.round(delivery.settings.silentAfterMs / 60_000));
      let selected;
      try {
        selected = await resendSelection(delivery, id, input);
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => ({ ...e, path: e.path === 'body.states' ? 'states' : e.path })));
        throw error;
      }
      const { original, personIds } = selected;
      if (input.channel === original.channel) delete input.channel;
      if (personIds.length === 0) throw new ValidationError([{ path: 'states', message: ctx.l.campaign.nothingToResend }]);
      const confirmation = (changed: boolean) => ({
        notice: <Confirmation ctx={ctx} page={page} form={form} count={personIds.length} input={input} channel={original.channel} changed={changed} />,
      });
      // First the count, shown for confirmation: nothing is created before the person confirms it.
      if (form.confirm !== 'yes') return confirmation(false);
      const expectedCount = Number(form.expectedCount);
      if (!Number.isInteger(expectedCount) || expectedCount !== personIds.length) return confirmation(true);
      let created;
      try {
        created = await resendCampaign(delivery, ctx.actor, id, { ...input, reason, expectedCount });
      } catch (error) {
        // Changed between the count just made and the resend's own selection: count again.
        if (error instanceof ValidationError && error.errors.some((e) => e.path === 'body.expectedCount')) return confirmation(true);
        throw error;
      }
      await changeCampaign(delivery, ctx.actor, created.campaign.id, 'start', reason);
      return { redirect: ctx.href(`/campaigns/${created.campaign.id}`, { done: 'resent', queued: created.queued }) };
    },
  };
}

/** The success notice of a page reached after an action (PRG), from its query. */
export function DoneNotice(props: { ctx: PageContext }) {
  const { ctx } = props;
  const q = ctx.c.req.query();
  const done = ctx.l.campaign.done as Record<string, string>;
  if (!q.done || !(q.done in done)) return null;
  const n = (value: string | undefined) => (value && /^\d{1,9}$/.test(value) ? Number(value) : 0);
  return (
    <Notice kind="success" id="campaign-notice">
      <p>{format(done[q.done]!, { queued: n(q.queued), without: n(q.without), posted: n(q.posted) })}</p>
    </Notice>
  );
}
