import { draftInputSchema, type DraftInput } from '../../notices/draft-input.js';
import { getDraft } from '../../notices/drafts-service.js';
import { previewDraft } from '../../notices/preview.js';
import { format } from '../labels.js';
import type { PageContext } from '../page.js';

/** The text parts a person reads on each channel; HTML parts are never put in the page as markup. */
const partsByChannel: Record<string, string[]> = { sms: ['sms'], email: ['email-subject', 'email-text'], letter: ['letter'] };

/**
 * A draft as a person will receive it, through the same functions as POST /drafts/{draftId}/preview: a sample
 * person built from the breach's own facts, the SMS length and segments.
 */
export async function DraftPreview(props: { ctx: PageContext; draftId: string; channel?: string; title: string; id: string }) {
  const { ctx } = props;
  const l = ctx.l.campaign;
  const draft = await getDraft(ctx.deps, props.draftId);
  const source = draftInputSchema.safeParse(draft.source);
  const preview = previewDraft(draft, {
    timeZone: ctx.deps.config.timeZone,
    smsMaxSegments: ctx.deps.config.notices.smsMaxSegments,
    source: source.success ? (source.data as DraftInput) : undefined,
  });
  const names = (partsByChannel[props.channel ?? draft.channel] ?? Object.values(partsByChannel).flat()).filter((name) => preview.parts[name] !== undefined);
  const partLabels = l.previewPart as Record<string, string>;
  return (
    <section aria-labelledby={`${props.id}-title`} class="fr-mb-6w" id={props.id}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {preview.person ? <p class="fr-text--sm">{format(l.previewPerson, { name: preview.person.name })}</p> : null}
      {names.map((name) => (
        <div class="fr-card fr-p-3w fr-mb-2w">
          <h3 class="fr-h6">{partLabels[name] ?? name}</h3>
          <p class="vigie-message" data-part={name}>
            {preview.parts[name]}
          </p>
          {name === 'sms' && preview.sms ? (
            <p class="fr-text--sm fr-mb-0">
              {format(l.previewSms, { chars: preview.sms.characters, segments: preview.sms.segments, encoding: preview.sms.encoding })}
              {preview.sms.warnings.map((warning) => (
                <span class="fr-badge fr-badge--warning fr-badge--sm fr-ml-1w">{warning}</span>
              ))}
            </p>
          ) : null}
        </div>
      ))}
    </section>
  );
}
