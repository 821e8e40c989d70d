import { recordFollowUps } from '../breaches/delivery-follow-up.js';
import { addTimelineEvent } from '../breaches/timeline.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { createHttpContactDirectory } from '../delivery/contacts-http.js';
import type { DeliveryChannel, DeliveryDeps, DeliveryPorts, Person, RenderedMessage } from '../delivery/ports.js';
import { messageFromParts } from '../delivery/render.js';
import { UnavailableError } from '../http/errors.js';
import { isApproved } from '../notices/draft-record.js';
import { findDraft, findVersion } from '../notices/drafts-store.js';
import type { Language } from '../notices/labels.js';
import { compilePersonalMessage } from '../notices/render-personal.js';
import { approvedMessageRenderer } from '../notices/send-gate.js';
import type { TemplateFiles } from '../notices/template-set.js';

/** Delivery acts on the register as itself; the person who started the campaign is in its own record. */
const deliveryActor = { subject: 'vigie-delivery', roles: [] as string[] };

export interface DeliveryPortsInput {
  db: Db | undefined;
  clock: Clock;
  config: Config;
  noticeTemplates?: TemplateFiles | undefined;
  /** The HTTP client of the contact directory and of alert webhooks (tests give a recording one). */
  fetch?: typeof fetch;
  /** Ports a deployment or a test replaces (a directory of its own, an in-memory population …). */
  overrides?: Partial<DeliveryPorts>;
}

/**
 * Composes delivery's ports over the drafts (src/notices), the breach register (src/breaches) and the
 * organisation's contact directory — the one place that knows all three, so that delivery imports none of
 * them. Runtime-neutral: the Node entry, the Workers entry, the CLI and the test app all use it. Contacts are
 * not in the register (it keeps identifiers only): they come from VIGIE_CONTACTS_URL or an override; with
 * neither, listing the population answers 503 rather than queueing people with no address.
 */
export function createDeliveryPorts(input: DeliveryPortsInput): DeliveryPorts {
  const db = () => {
    if (!input.db) throw new UnavailableError('No database is configured');
    return input.db;
  };
  const deps = { db: input.db, clock: input.clock, config: input.config, noticeTemplates: input.noticeTemplates };
  const directory = input.config.delivery.contacts;
  const fromDirectory = directory.url ? createHttpContactDirectory({ url: directory.url, token: directory.token, outbound: input.config.outbound, ...(input.fetch ? { fetch: input.fetch } : {}) }) : undefined;
  const findContacts = input.overrides?.findContacts ?? fromDirectory ?? (async () => {
    throw new UnavailableError('No contact directory is configured for delivery (set VIGIE_CONTACTS_URL; the register keeps identifiers only)');
  });
  const withContacts = async (breachId: string, rows: { person_ref: string; exposed: unknown; first_at: Date | null; last_at: Date | null }[]): Promise<Person[]> => {
    const contacts = await findContacts(breachId, rows.map((row) => row.person_ref));
    return rows.map((row) => ({
      id: row.person_ref,
      ...contacts.get(row.person_ref),
      ...(Array.isArray(row.exposed) && row.exposed.length > 0 ? { exposed: row.exposed as string[] } : {}),
      ...(row.first_at ? { firstExposedAt: row.first_at } : {}),
      ...(row.last_at ? { lastExposedAt: row.last_at } : {}),
    }));
  };
  const people = () => db().selectFrom('breach_person').select(['person_ref', 'exposed', 'first_at', 'last_at']);
  const ports: DeliveryPorts = {
    loadDraft: async (draftId) => {
      const row = await findDraft(db(), draftId);
      if (!row) return undefined;
      const version = await findVersion(db(), row.id, row.current_version);
      const parts = Object.entries(version?.parts ?? {}).filter(([, text]) => text.trim() !== '').map(([name]) => name);
      return { id: String(row.id), breachId: String(row.breach_id), parts };
    },
    isApproved: async (draft) => {
      const row = await findDraft(db(), draft.id);
      return row ? isApproved(row) : false;
    },
    compileRenderer: async (draft, channel) => {
      const render = await approvedMessageRenderer(deps, draft.id);
      return (person) => messageFromParts(render({ name: person.name ?? '', exposed: person.exposed, firstExposedAt: person.firstExposedAt, lastExposedAt: person.lastExposedAt }), channel);
    },
    listPopulation: async (breachId, { after, limit }) => {
      // The register has no segments yet: a segment is then the whole population.
      let query = people().where('breach_id', '=', breachId);
      if (after) query = query.where('person_ref', '>', after);
      return withContacts(breachId, await query.orderBy('person_ref').limit(limit).execute());
    },
    getPeople: async (breachId, ids) => {
      if (ids.length === 0) return [];
      return withContacts(breachId, await people().where('breach_id', '=', breachId).where('person_ref', 'in', ids).execute());
    },
    findContacts,
    recordFollowUps: async (breachId, updates) => {
      if (updates.length === 0) return;
      const at = updates.reduce((latest, u) => (u.at > latest ? u.at : latest), updates[0]!.at);
      await recordFollowUps(db(), breachId, updates.map((u) => ({ personRef: u.personId, outcome: u.outcome, reason: u.evidence })), at, deliveryActor.subject);
    },
    addTimelineEvent: async (entry) => {
      const kind = entry.kind.startsWith('delivery.alert') ? 'alert' : 'communication';
      await addTimelineEvent(deps, entry.breachId, { kind, at: entry.at, summary: entry.summary.slice(0, 2000), data: { source: entry.kind } }, deliveryActor, 'delivery');
    },
  };
  return { ...ports, ...input.overrides };
}

/** `AppDeps.delivery` for an entry: the composed ports and the HTTP client. */
export function deliveryDeps(input: DeliveryPortsInput): DeliveryDeps {
  return { ports: createDeliveryPorts(input), ...(input.fetch ? { fetch: input.fetch } : {}) };
}

/**
 * A renderer over a draft's parts with the drafts feature's own per-person compiler, for tests and the
 * benchmark that give their own parts: templates parsed once, then one message per person.
 */
export function personalRenderer(draft: { lang: Language; parts: Record<string, string> }, channel: DeliveryChannel, timeZone: string): (person: Person) => RenderedMessage {
  const write = compilePersonalMessage(draft, timeZone);
  return (person) =>
    messageFromParts(write({ name: person.name ?? '', exposed: person.exposed ?? [], firstExposedAt: person.firstExposedAt ?? new Date(0), lastExposedAt: person.lastExposedAt }), channel);
}
