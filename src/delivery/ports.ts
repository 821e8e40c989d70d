/**
 * What delivery needs from the features around it, as small interfaces: drafts (issue 7, `src/notices/`)
 * and the breach register (issue 6, `src/breaches/`). `wiring.ts` builds the real ones; tests and the
 * benchmark pass their own. Nothing here carries a database or runtime type.
 */
export type DeliveryChannel = 'email' | 'sms' | 'letter';

/** An approved draft as delivery sees it: enough to check approval and render one message per person. */
export interface DraftRef {
  id: string;
  breachId: string;
}

/** One affected person with the contact details each channel needs. Personal data: never logged. */
export interface Person {
  id: string;
  /** The population segment the register puts this person in (e.g. "clients", "agents"). */
  segment?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** Postal address lines, for letters. */
  address?: string[] | null;
  locale?: string | null;
  /** What the message tells the person (GDPR Art. 34(2)): data category codes and when. */
  exposed?: string[];
  firstExposedAt?: Date | string;
  lastExposedAt?: Date | string;
}

/** One message rendered for one person on one channel. */
export interface RenderedMessage {
  subject?: string | null;
  text: string;
  html?: string | null;
}

/** Follow-up status of a person in the breach register, as delivery reports it. */
export type PersonDeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'unknown';

export interface TimelineEntry {
  breachId: string;
  at: Date;
  kind: string;
  summary: string;
}

export interface DeliveryPorts {
  /** The draft, or undefined when it does not exist. */
  loadDraft(draftId: string): Promise<DraftRef | undefined>;
  /** True only once the DPO approved this version of the draft. */
  isApproved(draft: DraftRef): Promise<boolean>;
  /** Compiles the draft once for a channel; the returned function writes one person's message (hot path). */
  compileRenderer(draft: DraftRef, channel: DeliveryChannel): Promise<(person: Person) => RenderedMessage>;
  /** The breach's affected people (or one segment), in pages after `after` (a person id), in id order. */
  listPopulation(breachId: string, options: { segment?: string | null; after?: string | null; limit: number }): Promise<Person[]>;
  /**
   * Contact details (name, e-mail, phone, address) of these people. The breach register keeps only the
   * service's identifiers, never an address: contacts come from the organisation's own directory.
   */
  findContacts(breachId: string, ids: string[]): Promise<Map<string, Omit<Person, 'id'>>>;
  /** The people with these ids (for a resend on another channel). */
  getPeople(breachId: string, ids: string[]): Promise<Person[]>;
  /** Per-person follow-up status in the breach; called in batches. */
  setPersonStatus(breachId: string, updates: { personId: string; status: PersonDeliveryStatus; at: Date }[]): Promise<void>;
  /** An entry on the breach timeline (alerts, campaign start/pause/cancel). */
  addTimelineEvent(entry: TimelineEntry): Promise<void>;
}

/** Ports for parts of the register that may be missing: status and timeline default to doing nothing. */
export const noRegisterPorts: Pick<DeliveryPorts, 'setPersonStatus' | 'addTimelineEvent'> = {
  setPersonStatus: async () => {},
  addTimelineEvent: async () => {},
};
