import { recordNotificationFiled } from '../breaches/decide.js';
import { getBreach, type BreachRecord } from '../breaches/get-breach.js';
import type { FieldError } from '../http/errors.js';
import { IncompleteDraftError } from './completeness.js';
import { describeEntry } from '../breaches/timeline-labels.js';
import { draftInputSchema, type DraftInput, type DraftInputIn } from './draft-input.js';
import type { FilingListener } from './file-draft.js';
import { requireDb, type NoticeDeps } from './notice-deps.js';

/**
 * The one place where the breach register's record (issue 6, src/breaches) becomes a DraftInput. Facts share
 * their names and codes with the CNIL form on both sides; what differs is mapped here, and what the register
 * lacks is reported by the DraftInput field name (and the setting to fill, for the organisation).
 */
export function draftInputFromBreach(record: BreachRecord, options: { noticeUrl?: string | undefined } = {}): DraftInput {
  const f = record.facts;
  const dpo = parseContact(record.dpo.contact);
  const raw = {
    organisation: {
      name: record.organisation.name ?? undefined,
      siren: record.organisation.siren ?? undefined,
      sector: record.organisation.sector ?? undefined,
      legalRepresentative: record.organisation.legalRepresentative ?? undefined,
      noticeUrl: options.noticeUrl,
    },
    dpo,
    breach: {
      id: record.id,
      reference: `${record.title} (n° ${record.id})`,
      summary: f.summary ?? undefined,
      // Not yet established is what an unanswered « établi ou supposé » means.
      status: f.certainty ?? 'suspected',
      natures: f.natures,
      origins: f.origins,
      originOther: f.originOther ?? undefined,
      causes: f.causes,
      causeOther: f.causeOther ?? undefined,
      awareAt: f.awareAt ?? undefined,
      discoveredAt: f.discoveredAt,
      startedAt: f.startedAt ?? record.exposureWindows[0]?.from.toISOString() ?? null,
      endedAt: f.endedAt ?? record.exposureWindows[0]?.to?.toISOString() ?? null,
      processorNotifiedAt: f.processorNotifiedAt,
      ongoing: f.ongoing ?? undefined,
      circumstances: f.circumstances ?? undefined,
      // The facts' own dates have their lines in the form; the timeline adds what happened in between.
      timeline: record.timeline
        .filter((entry) => entry.source !== 'register')
        .map((entry) => ({ at: entry.at.toISOString(), label: entry.summary, ...(entry.label ? { labels: { fr: describeEntry(entry, 'fr'), en: describeEntry(entry, 'en') } } : {}) })),
      personCategories: f.personCategories,
      personCategoriesOther: f.personCategoriesOther ?? undefined,
      people: peopleOf(record),
      recordCount: f.recordCount ?? undefined,
      dataCategories: f.dataCategories,
      dataCategoriesOther: f.dataCategoriesOther ?? undefined,
      dataMedia: f.dataMedia,
      consequences: f.consequences,
      consequencesDetail: f.consequencesDetail ?? undefined,
      measures: f.measures,
      adviceToPeople: f.adviceToPeople,
      summaryForPeople: f.summaryForPeople ?? undefined,
      processorsInvolved: f.processorsInvolved ?? (f.processors.length > 0 ? true : undefined),
      processors: f.processors.map((p) => ({ name: p.name, contact: p.contact ?? undefined })),
      peopleInformed: f.peopleInformed,
      peopleInformedJustification: f.peopleInformedJustification ?? undefined,
      crossBorder: f.crossBorder ?? undefined,
      otherAuthorities: f.otherAuthorities,
      delayReasons: f.delayReasons ?? record.decision?.delayReasons ?? undefined,
    },
    assessment: record.assessment
      ? {
          at: record.assessment.at.toISOString(),
          actor: record.assessment.actor,
          score: record.assessment.score.score,
          band: record.assessment.score.band,
          authority: record.assessment.recommendation.authority,
          people: record.assessment.recommendation.people,
          summary: record.assessment.recommendation.summary,
        }
      : undefined,
    decision: record.decision
      ? {
          at: record.decision.at.toISOString(),
          actor: record.decision.actor,
          authority: record.decision.authority,
          people: record.decision.people,
          justification: record.decision.justification,
          departures: record.decision.departures,
        }
      : undefined,
    initialNotification: initialFiling(record),
  };
  const parsed = draftInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields: FieldError[] = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path, message: path === 'organisation.name' ? 'set VIGIE_ORG_NAME' : path.startsWith('dpo') ? `set VIGIE_DPO_CONTACT ("Name <e-mail>"): ${issue.message}` : issue.message };
  });
  throw new IncompleteDraftError(fields);
}

/**
 * The number of people and where it comes from. The DPO's estimate fills the form's numeric field until the DPO
 * adopts the people list's count (peopleCountFrom); with no estimate at all, the list is the only number there is.
 * Whatever the list holds is shown beside it, by source (access log, CSV import, by hand): never as "exact"
 * when it is not.
 */
function peopleOf(record: BreachRecord): DraftInputIn['breach']['people'] {
  const f = record.facts;
  const listed = record.people.total;
  const estimated = f.peopleCount ?? f.peopleEstimate?.max ?? null;
  const adopted = listed > 0 && (f.peopleCountFrom === 'people-list' || estimated === null);
  const count = adopted ? listed : estimated;
  if (count === null) return undefined;
  return {
    count,
    exact: adopted,
    ...(f.peopleEstimate ? { estimate: f.peopleEstimate } : {}),
    ...(listed > 0 ? { listed: { total: listed, ...record.people.bySource } } : {}),
    directlyIdentifiable: f.directlyIdentifiable ?? undefined,
  };
}

function initialFiling(record: BreachRecord) {
  const initial = record.filings.find((filing) => filing.regime === 'gdpr' && filing.kind === 'initial');
  return initial ? { reference: initial.reference ?? undefined, filedAt: initial.filedAt.toISOString() } : undefined;
}

/**
 * VIGIE_DPO_CONTACT is one line: "Name <e-mail>", "Name <e-mail>, phone", "Name, e-mail, phone" or an e-mail
 * alone (then the e-mail is also the name the draft shows, once). The phone is digits with spaces, dots or
 * dashes, optionally +33.
 */
export function parseContact(contact: string | null): DraftInput['dpo'] {
  if (!contact) return undefined;
  const email = /[^\s<>,;]+@[^\s<>,;]+\.[^\s<>,;]+/.exec(contact)?.[0];
  const phone = /\+?\d[\d .-]{6,}\d/.exec(contact)?.[0];
  const name = contact
    .replace(email ?? '\u0000', '')
    .replace(phone ?? '\u0000', '')
    .replace(/[<>]/g, '')
    .split(/[,;]/)
    .map((piece) => piece.trim())
    .filter(Boolean)[0];
  return { name: name ?? email ?? contact, email, phone };
}

/** Reads the breach from the register and maps it (404 from the register when there is none). */
export async function draftInputFromRegister(deps: Pick<NoticeDeps, 'db' | 'clock' | 'config'>, breachId: string): Promise<DraftInput> {
  const record = await getBreach(requireDb(deps), breachId, { config: deps.config, now: deps.clock.now() });
  return draftInputFromBreach(record, { noticeUrl: deps.config.notices.noticeUrl });
}

/** A filing recorded on a CNIL draft is recorded in the register too: that closes the GDPR clock. */
export const fileWithRegister =
  (deps: NoticeDeps): FilingListener =>
  async (filing, actor) => {
    await recordNotificationFiled(deps, filing.breachId, { filedAt: filing.filedAt, reference: filing.reference, kind: filing.kind }, actor);
  };
