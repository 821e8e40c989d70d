import type { NoticeDraftRow } from '../../db/tables/notice-draft.js';
import { channelParts, type DraftKind } from '../../notices/documents.js';
import { isApproved } from '../../notices/draft-record.js';
import { ActionForm, ErrorSummary, Field, Time, errorOf, valueOf } from '../components.js';
import type { FormState, PageContext } from '../page.js';

/** Every kind of draft with the channels it goes out on ("notice/email"), as the drafts' own table lists them. */
export const draftChoices = Object.entries(channelParts).flatMap(([kind, channels]) => Object.keys(channels).map((channel) => `${kind}/${channel}`));

export const kindWord = (ctx: PageContext, kind: string) => (ctx.l.breach.draftKinds as Record<string, string>)[kind] ?? kind;
export const channelWord = (ctx: PageContext, channel: string) => (ctx.l.breach.channels as Record<string, string>)[channel] ?? channel;

/** The breach's drafts (kind, channel, language, version, approval, filing) and the form that writes a new one. */
export function Drafts(props: { ctx: PageContext; breachId: string; drafts: NoticeDraftRow[]; form: FormState | undefined; page: string; canCreate: boolean }) {
  const { ctx, form } = props;
  const l = ctx.l.breach;
  const error = errorOf(form, 'draft', 'kind') ?? errorOf(form, 'draft', 'channel');
  const missing = form?.action === 'draft' ? form.errors.filter((e) => !['kind', 'channel', 'lang', 'reason'].includes(e.path)) : [];
  return (
    <section aria-labelledby="drafts-title" class="fr-mb-6w">
      <h2 id="drafts-title">{l.draftsTitle}</h2>
      {props.drafts.length === 0 ? (
        <p id="drafts-none">{l.noDrafts}</p>
      ) : (
        <div class="fr-table" id="drafts">
          <table>
            <caption>{l.draftsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{l.draft}</th>
                <th scope="col">{l.channel}</th>
                <th scope="col">{l.version}</th>
                <th scope="col">{l.approval}</th>
                <th scope="col">{l.filing}</th>
              </tr>
            </thead>
            <tbody>
              {props.drafts.map((draft) => (
                <tr>
                  <td>
                    <a class="fr-link" href={ctx.href(`/breaches/${props.breachId}/drafts/${draft.id}`)} id={`draft-link-${draft.id}`}>
                      {`${kindWord(ctx, draft.kind)} (${draft.lang})`}
                    </a>
                  </td>
                  <td>{channelWord(ctx, draft.channel)}</td>
                  <td>{draft.current_version}</td>
                  <td>{isApproved(draft) ? <span class="fr-badge fr-badge--success fr-badge--sm">{l.approved}</span> : <span class="fr-badge fr-badge--sm">{l.notApproved}</span>}</td>
                  <td>
                    {draft.filed_at ? (
                      <>
                        <Time at={draft.filed_at} ctx={ctx} /> ({draft.cnil_reference})
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.canCreate ? (
        <details open={form?.action === 'draft' || props.drafts.length === 0}>
          <summary>{l.newDraft}</summary>
          <p>{l.newDraftIntro}</p>
          <ErrorSummary form={form} action="draft" title={ctx.l.common.errorSummary} />
          {missing.length > 0 ? (
            <div class="fr-callout" id="draft-missing">
              <h3 class="fr-callout__title">{l.draftMissing}</h3>
              <ul>
                {missing.map((m) => (
                  <li>{`${m.path} : ${m.message}`}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <ActionForm ctx={ctx} page={props.page} action="draft" id="draft-form">
            <div class={`fr-select-group${error ? ' fr-select-group--error' : ''}`}>
              <label class="fr-label" for="draft-kind">
                {l.draftKind}
              </label>
              <select class="fr-select" id="draft-kind" name="kindChannel" aria-describedby={error ? 'draft-kind-error' : undefined}>
                {draftChoices.map((choice) => {
                  const [kind, channel] = choice.split('/') as [DraftKind, string];
                  return (
                    <option value={choice} selected={valueOf(form, 'draft', 'kindChannel') === choice}>
                      {`${kindWord(ctx, kind)} — ${channelWord(ctx, channel)}`}
                    </option>
                  );
                })}
              </select>
              {error ? (
                <p class="fr-error-text" id="draft-kind-error">
                  {error}
                </p>
              ) : null}
            </div>
            <div class="fr-select-group">
              <label class="fr-label" for="draft-lang">
                {l.draftLang}
              </label>
              <select class="fr-select" id="draft-lang" name="lang">
                <option value="fr" selected={valueOf(form, 'draft', 'lang', 'fr') === 'fr'}>
                  Français
                </option>
                <option value="en" lang="en" selected={valueOf(form, 'draft', 'lang') === 'en'}>
                  English
                </option>
              </select>
            </div>
            <Field form={form} action="draft" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
            <button type="submit" class="fr-btn" id="draft-submit">
              {l.writeDraft}
            </button>
          </ActionForm>
        </details>
      ) : null}
    </section>
  );
}
