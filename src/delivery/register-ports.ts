import type { AppDeps } from '../deps.js';
import { UnavailableError } from '../http/errors.js';
import { recordDeliveryOutcomes } from '../breaches/delivery-follow-up.js';
import { addTimelineEvent } from '../breaches/timeline.js';
import { isApproved } from '../notices/draft-record.js';
import { findDraft } from '../notices/drafts-store.js';
import { approvedMessageRenderer } from '../notices/send-gate.js';
import type { DeliveryPorts, Person } from './ports.js';
import { createHttpContactDirectory } from './contacts-http.js';
import { messageFromParts } from './render.js';

/** Delivery acts on the register as itself; the person who started the campaign is in its own record. */
const deliveryActor = { subject: 'vigie-delivery', roles: [] as string[] };

/**
 * The real ports over the drafts (issue 7) and the breach register (issue 6). Contacts are not in the
 * register (it keeps identifiers only): they come from the organisation's directory over HTTP
 * (VIGIE_CONTACTS_URL) or from a `findContacts` the deployment gives (deps.delivery.ports); with neither,
 * listing the population answers 503 rather than queueing people with no address.
 */
export function registerPorts(deps: AppDeps): DeliveryPorts {
  const db = () => {
    if (!deps.db) throw new UnavailableError('No database is configured');
    return deps.db;
  };
  const directory = deps.config.delivery.contacts;
  const fromDirectory = directory.url ? createHttpContactDirectory({ url: directory.url, token: directory.token, ...(deps.delivery?.fetch ? { fetch: deps.delivery.fetch } : {}) }) : undefined;
  const findContacts = deps.delivery?.ports?.findContacts ?? fromDirectory ?? (async () => {
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
  return {
    loadDraft: async (draftId) => {
      const row = await findDraft(db(), draftId);
      return row ? { id: row.id, breachId: row.breach_id } : undefined;
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
      let query = db().selectFrom('breach_person').select(['person_ref', 'exposed', 'first_at', 'last_at']).where('breach_id', '=', breachId);
      if (after) query = query.where('person_ref', '>', after);
      return withContacts(breachId, await query.orderBy('person_ref').limit(limit).execute());
    },
    getPeople: async (breachId, ids) => {
      if (ids.length === 0) return [];
      const rows = await db().selectFrom('breach_person').select(['person_ref', 'exposed', 'first_at', 'last_at']).where('breach_id', '=', breachId).where('person_ref', 'in', ids).execute();
      return withContacts(breachId, rows);
    },
    findContacts,
    // Only final outcomes move a person's follow-up (a message merely sent tells nothing yet).
    setPersonStatus: async (breachId, updates) => {
      const outcomes = updates.flatMap((u) => (u.status === 'delivered' || u.status === 'failed' ? [{ personRef: u.personId, outcome: u.status }] : []));
      const at = updates.reduce((latest, u) => (u.at > latest ? u.at : latest), updates[0]?.at ?? deps.clock.now());
      await recordDeliveryOutcomes(db(), breachId, outcomes, at, deliveryActor.subject);
    },
    addTimelineEvent: async (entry) => {
      const kind = entry.kind.startsWith('delivery.alert') ? 'alert' : 'communication';
      await addTimelineEvent(deps, entry.breachId, { kind, at: entry.at, summary: entry.summary.slice(0, 2000), data: { source: entry.kind } }, deliveryActor, 'delivery');
    },
  };
}
