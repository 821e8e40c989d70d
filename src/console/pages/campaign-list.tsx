import { createCampaign } from '../../delivery/campaigns.js';
import { deliveryContext } from '../../delivery/wiring.js';
import type { DeliveryChannel } from '../../delivery/ports.js';
import { ActionForm, ErrorSummary, Field, PageTitle, Time, errorOf, valueOf } from '../components.js';
import { format } from '../labels.js';
import { definePage, type FormState, type PageContext } from '../page.js';
import { requireDb } from '../session/sessions.js';
import { approvedPeopleDrafts, listCampaignLines } from './campaign-data.js';
import { DraftPreview } from './campaign-preview.js';

const path = '/campaigns';
const channelsOf: Record<string, DeliveryChannel[]> = { email: ['email'], sms: ['sms'], letter: ['letter'] };

async function CampaignTable(props: { ctx: PageContext }) {
  const { ctx } = props;
  const l = ctx.l.campaign;
  const lines = await listCampaignLines(requireDb(ctx.deps.db));
  if (lines.length === 0) return <p id="campaigns-none">{l.none}</p>;
  return (
    <div class="fr-table" id="campaigns">
      <table>
        <caption>{l.listCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{l.campaign}</th>
            <th scope="col">{l.breach}</th>
            <th scope="col">{l.channel}</th>
            <th scope="col">{l.status}</th>
            <th scope="col">{l.created}</th>
            <th scope="col">{l.total}</th>
            <th scope="col">{l.delivered}</th>
            <th scope="col">{l.failed}</th>
            <th scope="col">{l.pending}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map(({ campaign, delivered, failed, pending }) => (
            <tr>
              <td>
                <a href={ctx.href(`${path}/${campaign.id}`)} data-campaign={campaign.id}>
                  {campaign.id.slice(0, 8)}
                </a>
                {campaign.resend_of ? <span class="fr-badge fr-badge--sm fr-ml-1w">{l.resendOf}</span> : null}
              </td>
              <td>{campaign.breach_id}</td>
              <td>{(l.channels as Record<string, string>)[campaign.channel]}</td>
              <td>
                <span class="fr-badge fr-badge--sm">{(l.statuses as Record<string, string>)[campaign.status]}</span>
              </td>
              <td>
                <Time at={campaign.created_at} ctx={ctx} />
              </td>
              <td>{campaign.total}</td>
              <td>{delivered}</td>
              <td>{failed}</td>
              <td>{pending}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function CreateForm(props: { ctx: PageContext; form: FormState | undefined }) {
  const { ctx, form } = props;
  const l = ctx.l.campaign;
  const drafts = await approvedPeopleDrafts(requireDb(ctx.deps.db));
  const canPreview = ctx.can('POST /drafts/{draftId}/preview');
  const chosen = valueOf(form, 'create', 'draftId', ctx.c.req.query('draft') ?? drafts[0]?.id ?? '');
  const chosenDraft = drafts.find((d) => d.id === chosen);
  const channel = valueOf(form, 'create', 'channel', chosenDraft?.channel ?? 'sms');
  const draftError = errorOf(form, 'create', 'draftId');
  const channelError = errorOf(form, 'create', 'channel');
  return (
    <section aria-labelledby="create-title" class="fr-mb-6w">
      <h2 id="create-title">{l.createTitle}</h2>
      <p>{l.createIntro}</p>
      {drafts.length === 0 ? (
        <p id="drafts-none">{l.noDrafts}</p>
      ) : (
        <>
          <div class="fr-table" id="drafts">
            <table>
              <caption>{l.draftsCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{l.draft}</th>
                  <th scope="col">{l.breach}</th>
                  <th scope="col">{l.kind}</th>
                  <th scope="col">{l.channel}</th>
                  <th scope="col">{l.version}</th>
                  {canPreview ? <th scope="col">{l.preview}</th> : null}
                </tr>
              </thead>
              <tbody>
                {drafts.map((draft) => (
                  <tr>
                    <td>{draft.id}</td>
                    <td>{draft.breach_id}</td>
                    <td>{(l.kinds as Record<string, string>)[draft.kind] ?? draft.kind}</td>
                    <td>{(l.channels as Record<string, string>)[draft.channel] ?? draft.channel}</td>
                    <td>{draft.current_version}</td>
                    {canPreview ? (
                      <td>
                        <a class="fr-link" href={ctx.href(path, { preview: draft.id, draft: draft.id })} id={`preview-${draft.id}`}>
                          {`${l.preview} (${draft.id})`}
                        </a>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ErrorSummary form={form} action="create" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={path} action="create" id="create-form">
            <div class={`fr-select-group${draftError ? ' fr-select-group--error' : ''}`}>
              <label class="fr-label" for="create-draftId">
                {l.draftField}
              </label>
              <select class="fr-select" id="create-draftId" name="draftId" aria-describedby={draftError ? 'create-draftId-error' : undefined}>
                {drafts.map((draft) => (
                  <option value={draft.id} selected={draft.id === chosen}>
                    {`${draft.id} — ${l.breach} ${draft.breach_id}, ${(l.kinds as Record<string, string>)[draft.kind] ?? draft.kind}, ${(l.channels as Record<string, string>)[draft.channel] ?? draft.channel}`}
                  </option>
                ))}
              </select>
              {draftError ? <p id="create-draftId-error" class="fr-error-text">{draftError}</p> : null}
            </div>
            <div class={`fr-select-group${channelError ? ' fr-select-group--error' : ''}`}>
              <label class="fr-label" for="create-channel">
                {l.channelField}
              </label>
              <select class="fr-select" id="create-channel" name="channel" aria-describedby={channelError ? 'create-channel-error' : undefined}>
                {(['sms', 'email', 'letter'] as const).map((c) => (
                  <option value={c} selected={c === channel}>
                    {l.channels[c]}
                  </option>
                ))}
              </select>
              {channelError ? <p id="create-channel-error" class="fr-error-text">{channelError}</p> : null}
            </div>
            <Field form={form} action="create" name="segment" label={l.segmentField} hint={l.segmentHint} />
            <Field form={form} action="create" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
            <button type="submit" class="fr-btn" id="create-submit">
              {l.create}
            </button>
          </ActionForm>
        </>
      )}
    </section>
  );
}

/** Campaigns (communications; the DPO and auditors read): the list, and a new campaign from an approved draft. */
export const campaignListPage = definePage({
  path,
  api: ['GET /delivery/campaigns/{id}'],
  title: (l) => l.campaign.title,
  nav: { order: 50, label: (l) => l.nav.campaigns },
  async render(ctx, form) {
    const l = ctx.l.campaign;
    const preview = ctx.c.req.query('preview');
    return (
      <>
        <PageTitle title={l.title} intro={l.intro} />
        {preview && /^\d{1,18}$/.test(preview) && ctx.can('POST /drafts/{draftId}/preview') ? (
          <DraftPreview ctx={ctx} draftId={preview} title={format(l.previewTitle, { id: preview })} id="draft-preview" />
        ) : null}
        <section aria-labelledby="list-title" class="fr-mb-6w">
          <h2 id="list-title">{l.listTitle}</h2>
          <CampaignTable ctx={ctx} />
        </section>
        {ctx.can('POST /delivery/campaigns', 'GET /breaches/{breachId}/drafts') ? <CreateForm ctx={ctx} form={form} /> : null}
      </>
    );
  },
  actions: {
    create: {
      api: ['POST /delivery/campaigns'],
      async run(ctx, form) {
        const channel = channelsOf[form.channel ?? '']?.[0];
        const segment = (form.segment ?? '').trim();
        const created = await createCampaign(deliveryContext(ctx.deps), ctx.actor, {
          draftId: form.draftId ?? '',
          channel: (channel ?? form.channel ?? '') as DeliveryChannel,
          segment: segment || null,
          reason: (form.reason ?? '').trim(),
        });
        return { redirect: ctx.href(`${path}/${created.campaign.id}`, { done: 'created', queued: created.queued, without: created.withoutDestination }) };
      },
    },
  },
});
