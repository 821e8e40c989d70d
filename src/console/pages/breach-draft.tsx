import { breachIdOf } from '../../breaches/breach-store.js';
import { NotFoundError, ValidationError, type FieldError } from '../../http/errors.js';
import { isPersonal } from '../../notices/documents.js';
import { draftInputSchema, personSchema, type DraftInput } from '../../notices/draft-input.js';
import type { DraftDocument } from '../../notices/draft-record.js';
import { approveDraft, editDraft, getDraft } from '../../notices/drafts-service.js';
import { recordFiling } from '../../notices/file-draft.js';
import { fileWithRegister } from '../../notices/from-breach.js';
import { previewDraft, type Preview } from '../../notices/preview.js';
import { approvalBody } from '../../notices/routes/post-draft-approval.js';
import { draftFilingBody } from '../../notices/routes/post-draft-filing.js';
import { editDraftBody } from '../../notices/routes/put-draft.js';
import { ActionForm, ErrorSummary, Field, Notice, PageTitle, Time, errorOf, valueOf } from '../components.js';
import { format } from '../labels.js';
import { definePage, type FormState, type PageContext } from '../page.js';
import { requireDb } from '../session/sessions.js';
import { readWallTime } from '../wall-time.js';
import { asForm, parseAs } from './breach-forms.js';
import { channelWord, kindWord } from './breach-drafts.js';

/** The draft of this page, checked to belong to the breach in the path (another breach's draft is not found here). */
async function draftOf(ctx: PageContext): Promise<DraftDocument> {
  const breachId = breachIdOf(ctx.c.req.param('id') ?? '');
  const draft = await getDraft(ctx.deps, ctx.c.req.param('draftId') ?? '');
  if (draft.breachId !== breachId) throw new NotFoundError(`No draft ${draft.id} in breach ${breachId}`);
  return draft;
}

const pathOf = (draft: DraftDocument) => `/breaches/${draft.breachId}/drafts/${draft.id}`;

/**
 * The message as a given person would read it: a person of the population (what of theirs was exposed and
 * when, from the register) under the name typed; else the drafts' sample person. Read by the API's own
 * preview schema, so a refused person is refused by name.
 */
async function previewFor(ctx: PageContext, draft: DraftDocument): Promise<{ preview: Preview; errors: FieldError[] }> {
  const q = ctx.c.req.query();
  const source = draftInputSchema.safeParse(draft.source);
  const options = { timeZone: ctx.zone, smsMaxSegments: ctx.deps.config.notices.smsMaxSegments, source: source.success ? (source.data as DraftInput) : undefined };
  const ref = (q.person ?? '').trim();
  if (!isPersonal(draft.kind) || (!ref && !q.name)) return { preview: previewDraft(draft, options), errors: [] };
  const row = ref
    ? await requireDb(ctx.deps.db).selectFrom('breach_person').selectAll().where('breach_id', '=', draft.breachId).where('person_ref', '=', ref).executeTakeFirst()
    : undefined;
  if (ref && !row) return { preview: previewDraft(draft, options), errors: [{ path: 'person', message: ctx.l.breach.noSuchPerson }] };
  const sample = previewDraft(draft, options).person!;
  const candidate = {
    name: (q.name ?? '').trim() || sample.name,
    exposed: Array.isArray(row?.exposed) && (row!.exposed as string[]).length > 0 ? row!.exposed : sample.exposed,
    firstExposedAt: row?.first_at ? new Date(row.first_at).toISOString() : sample.firstExposedAt,
    ...(row?.last_at ? { lastExposedAt: new Date(row.last_at).toISOString() } : {}),
  };
  const person = personSchema.safeParse(candidate);
  if (!person.success) return { preview: previewDraft(draft, options), errors: person.error.issues.map((i) => ({ path: i.path[0] === 'name' ? 'name' : 'person', message: `${i.path.join('.')} : ${i.message}` })) };
  return { preview: previewDraft(draft, { ...options, person: person.data }), errors: [] };
}

function PreviewSection(props: { ctx: PageContext; draft: DraftDocument; preview: Preview; errors: FieldError[] }) {
  const { ctx, draft, preview } = props;
  const l = ctx.l.breach;
  const q = ctx.c.req.query();
  const form: FormState = { action: 'preview', values: { person: q.person ?? '', name: q.name ?? '' }, errors: props.errors };
  return (
    <section aria-labelledby="preview-title" class="fr-mb-6w">
      <h2 id="preview-title">{format(l.previewTitle, { channel: channelWord(ctx, draft.channel) })}</h2>
      {isPersonal(draft.kind) ? (
        <form method="get" action={ctx.href(pathOf(draft))} id="preview-form" class="fr-mb-3w">
          <p>{l.previewIntro}</p>
          <Field form={form} action="preview" name="person" label={l.previewPerson} hint={l.previewPersonHint} />
          <Field form={form} action="preview" name="name" label={l.previewName} />
          <button type="submit" class="fr-btn fr-btn--secondary" id="preview-submit">
            {l.previewSubmit}
          </button>
        </form>
      ) : null}
      {preview.person ? <p id="preview-as">{format(l.previewAs, { name: preview.person.name })}</p> : null}
      {preview.sms ? (
        <p id="sms-count">
          {format(l.smsCount, { characters: preview.sms.characters, segments: preview.sms.segments, encoding: preview.sms.encoding })}
          {preview.sms.warnings.map((w) => (
            <span class="fr-badge fr-badge--warning fr-badge--sm fr-ml-1w">{w}</span>
          ))}
        </p>
      ) : null}
      <div id="preview">
        {Object.entries(preview.parts).map(([part, text]) => (
          <div class="fr-mb-3w">
            <h3 class="fr-h6">{(l.parts as Record<string, string>)[part] ?? part}</h3>
            {/* HTML parts are shown as their source: nothing a draft holds runs in the console. A long part
                scrolls, so it takes the focus: keyboard users scroll it too (RGAA; axe's scrollable-region-focusable). */}
            <pre class="vigie-pre" data-part={part} tabindex={0}>
              {text}
            </pre>
          </div>
        ))}
      </div>
    </section>
  );
}

function EditSection(props: { ctx: PageContext; draft: DraftDocument; form: FormState | undefined; page: string }) {
  const { ctx, draft, form } = props;
  const l = ctx.l.breach;
  return (
    <details class="fr-mb-4w" open={form?.action === 'edit'}>
      <summary>{l.editDraft}</summary>
      <p>{isPersonal(draft.kind) ? l.editPersonalHint : l.editHint}</p>
      <ErrorSummary form={form} action="edit" title={ctx.l.common.errorSummary} />
      {errorOf(form, 'edit', 'form') ? <p class="fr-error-text">{errorOf(form, 'edit', 'form')}</p> : null}
      <ActionForm ctx={ctx} page={props.page} action="edit" id="edit-form">
        <input type="hidden" name="expectedVersion" value={valueOf(form, 'edit', 'expectedVersion', String(draft.version))} />
        {Object.entries(draft.parts).map(([part, text]) => (
          <Field form={form} action="edit" name={`part-${part}`} label={(l.parts as Record<string, string>)[part] ?? part} value={text} multiline />
        ))}
        <Field form={form} action="edit" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
        <button type="submit" class="fr-btn fr-btn--secondary" id="edit-submit">
          {l.saveDraft}
        </button>
      </ActionForm>
    </details>
  );
}

/** A draft of a breach: preview per channel as a given person, edit, approve, record the CNIL filing. */
export const breachDraftPage = definePage({
  path: '/breaches/:id/drafts/:draftId',
  api: ['GET /drafts/{draftId}'],
  title: (l) => l.breach.draftTitle,
  async render(ctx, form) {
    const draft = await draftOf(ctx);
    const l = ctx.l.breach;
    const page = pathOf(draft);
    const canPreview = ctx.can('POST /drafts/{draftId}/preview');
    const { preview, errors } = canPreview ? await previewFor(ctx, draft) : { preview: undefined, errors: [] };
    const cnil = draft.kind === 'cnil-initial' || draft.kind === 'cnil-complementary';
    const doneWhat = ctx.c.req.query('done');
    const doneText = doneWhat ? (l.draftDone as Record<string, string>)[doneWhat] : undefined;
    return (
      <>
        <nav role="navigation" class="fr-breadcrumb" aria-label={l.breadcrumb}>
          <ol class="fr-breadcrumb__list">
            <li>
              <a class="fr-breadcrumb__link" href={ctx.href('/breaches')}>
                {ctx.l.nav.breaches}
              </a>
            </li>
            <li>
              <a class="fr-breadcrumb__link" href={ctx.href(`/breaches/${draft.breachId}`)} id="back-to-breach">
                {format(l.heading, { id: draft.breachId })}
              </a>
            </li>
            <li>
              <a class="fr-breadcrumb__link" aria-current="page">
                {kindWord(ctx, draft.kind)}
              </a>
            </li>
          </ol>
        </nav>
        <PageTitle title={`${kindWord(ctx, draft.kind)} — ${channelWord(ctx, draft.channel)} (${draft.lang})`} />
        {doneText ? (
          <Notice kind="success" id="draft-notice">
            <p>{doneText}</p>
          </Notice>
        ) : null}
        <p id="draft-state">
          {format(l.draftVersion, { version: draft.version, origin: draft.origin === 'edited' ? l.originEdited : l.originRendered })}{' '}
          {draft.isApproved ? (
            <span class="fr-badge fr-badge--success" id="draft-approved">
              {format(l.approvedBy, { by: draft.approval!.by })}
            </span>
          ) : (
            <span class="fr-badge" id="draft-not-approved">
              {l.notApproved}
            </span>
          )}{' '}
          {draft.filing ? (
            <span class="fr-badge fr-badge--info" id="draft-filed">
              {format(l.filedRef, { reference: draft.filing.reference })} <Time at={draft.filing.filedAt} ctx={ctx} />
            </span>
          ) : null}
        </p>
        {preview ? <PreviewSection ctx={ctx} draft={draft} preview={preview} errors={errors} /> : null}
        {!draft.filing && ctx.can('PUT /drafts/{draftId}') ? <EditSection ctx={ctx} draft={draft} form={form} page={page} /> : null}
        {!draft.isApproved && ctx.can('POST /drafts/{draftId}/approval') ? (
          <section aria-labelledby="approve-title" class="fr-mb-4w">
            <h2 id="approve-title">{l.approveTitle}</h2>
            <ErrorSummary form={form} action="approve" title={ctx.l.common.errorSummary} />
            {errorOf(form, 'approve', 'form') ? <p class="fr-error-text">{errorOf(form, 'approve', 'form')}</p> : null}
            <ActionForm ctx={ctx} page={page} action="approve" id="approve-form">
              <input type="hidden" name="version" value={String(draft.version)} />
              <Field form={form} action="approve" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
              <button type="submit" class="fr-btn" id="approve-submit">
                {format(l.approve, { version: draft.version })}
              </button>
            </ActionForm>
          </section>
        ) : null}
        {cnil && !draft.filing && ctx.can('POST /drafts/{draftId}/filing') ? (
          <section aria-labelledby="file-title" class="fr-mb-4w">
            <h2 id="file-title">{l.fileTitle}</h2>
            <p>{l.fileIntro}</p>
            <ErrorSummary form={form} action="file" title={ctx.l.common.errorSummary} />
            {errorOf(form, 'file', 'form') ? <p class="fr-error-text">{errorOf(form, 'file', 'form')}</p> : null}
            <ActionForm ctx={ctx} page={page} action="file" id="file-form">
              <Field form={form} action="file" name="filedAt" label={l.filedAt} hint={l.timeHint} required />
              <Field form={form} action="file" name="reference" label={l.reference} hint={l.referenceHint} required />
              <Field form={form} action="file" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
              <button type="submit" class="fr-btn" id="file-submit">
                {l.fileSubmit}
              </button>
            </ActionForm>
          </section>
        ) : null}
        <section aria-labelledby="history-title">
          <h2 id="history-title">{l.draftHistory}</h2>
          <div class="fr-table" id="draft-history">
            <table>
              <caption>{l.draftHistory}</caption>
              <thead>
                <tr>
                  <th scope="col">{l.version}</th>
                  <th scope="col">{ctx.l.maintenance.at}</th>
                  <th scope="col">{ctx.l.maintenance.who}</th>
                  <th scope="col">{ctx.l.maintenance.why}</th>
                </tr>
              </thead>
              <tbody>
                {[...draft.history].reverse().map((v) => (
                  <tr>
                    <td>{`${v.version} (${v.origin === 'edited' ? l.originEdited : l.originRendered})`}</td>
                    <td>
                      <Time at={v.at} ctx={ctx} />
                    </td>
                    <td>{v.author}</td>
                    <td>{v.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </>
    );
  },
  actions: {
    edit: {
      api: ['PUT /drafts/{draftId}'],
      async run(ctx, form) {
        const draft = await draftOf(ctx);
        const parts = Object.fromEntries(Object.keys(draft.parts).map((part) => [part, form[`part-${part}`] ?? '']));
        const expected = Number.parseInt(form.expectedVersion ?? '', 10);
        const body = parseAs(editDraftBody, { parts, reason: form.reason ?? '', ...(Number.isFinite(expected) ? { expectedVersion: expected } : {}) }, partField);
        await asForm(editDraft(ctx.deps, draft.id, body, ctx.actor), partField);
        return { redirect: ctx.href(pathOf(draft), { done: 'edited' }) };
      },
    },
    approve: {
      api: ['POST /drafts/{draftId}/approval'],
      async run(ctx, form) {
        const draft = await draftOf(ctx);
        const body = parseAs(approvalBody, { version: Number.parseInt(form.version ?? '', 10), reason: form.reason ?? '' }, (path) => (path === 'version' ? 'form' : path));
        await asForm(approveDraft(ctx.deps, draft.id, body, ctx.actor));
        return { redirect: ctx.href(pathOf(draft), { done: 'approved' }) };
      },
    },
    file: {
      api: ['POST /drafts/{draftId}/filing'],
      async run(ctx, form) {
        const draft = await draftOf(ctx);
        const errors: FieldError[] = [];
        let filedAt: Date | undefined;
        try {
          filedAt = readWallTime(form.filedAt, 'filedAt', ctx);
          if (!filedAt) errors.push({ path: 'filedAt', message: 'is required' });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          errors.push(...error.errors);
        }
        const checked = draftFilingBody.safeParse({ filedAt: (filedAt ?? ctx.now).toISOString(), reference: form.reference ?? '', reason: form.reason ?? '' });
        if (!checked.success) errors.push(...checked.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
        if (errors.length > 0 || !checked.success) throw new ValidationError(errors);
        await asForm(recordFiling(ctx.deps, draft.id, checked.data, ctx.actor, fileWithRegister(ctx.deps)));
        return { redirect: ctx.href(pathOf(draft), { done: 'filed' }) };
      },
    },
  },
});

/** "parts.email-text" (the API's path) → "part-email-text" (the form's field). */
const partField = (path: string) => (path.startsWith('parts.') ? `part-${path.slice('parts.'.length).split('.')[0]}` : path === 'expectedVersion' ? 'form' : path);
