/**
 * What delivery needs from the features around it, as small interfaces it owns: the drafts (`DraftPorts`), the
 * breach population and the contact directory (`PopulationPorts`), the register's follow-up of each person
 * (`FollowUpPort`) and the breach timeline (`TimelinePort`). Delivery imports none of those features: the entry
 * that builds the app (src/entry/delivery-ports.ts) composes the real implementations and passes them in
 * `AppDeps.delivery`; tests and the benchmark pass their own. Nothing here carries a database or runtime type.
 */
export type DeliveryChannel = 'email' | 'sms' | 'letter';

/** A draft as delivery sees it: enough to check approval, the channels it can go out on, and render it. */
export interface DraftRef {
  id: string;
  breachId: string;
  /** Names of the parts its current version has (`sms`, `email-text`, `letter` …): which channels it can fill. */
  parts: string[];
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

export interface DraftPorts {
  /** The draft, or undefined when it does not exist. */
  loadDraft(draftId: string): Promise<DraftRef | undefined>;
  /** True only once the DPO approved this version of the draft. */
  isApproved(draft: DraftRef): Promise<boolean>;
  /** Compiles the draft once for a channel; the returned function writes one person's message (hot path). */
  compileRenderer(draft: DraftRef, channel: DeliveryChannel): Promise<(person: Person) => RenderedMessage>;
}

export interface PopulationPorts {
  /** The breach's affected people (or one segment), in pages after `after` (a person id), in id order. */
  listPopulation(breachId: string, options: { segment?: string | null; after?: string | null; limit: number }): Promise<Person[]>;
  /**
   * Contact details (name, e-mail, phone, address) of these people. The breach register keeps only the
   * service's identifiers, never an address: contacts come from the organisation's own directory.
   */
  findContacts(breachId: string, ids: string[]): Promise<Map<string, Omit<Person, 'id'>>>;
  /** The people with these ids (for a resend on another channel). */
  getPeople(breachId: string, ids: string[]): Promise<Person[]>;
}

/**
 * What a channel established about one person: `informed` when its evidence of informing is met (an SMS
 * receipt "delivered", an e-mail accepted and not bounced in time, a letter posted), `not-informed` when a
 * hand-off failed for good or a bounce came back (someone must still reach them). `evidence` says which, in
 * words the register keeps as the reason of the change.
 */
export interface FollowUp {
  personId: string;
  outcome: 'informed' | 'not-informed';
  evidence: string;
  at: Date;
}

export interface FollowUpPort {
  /** Applies follow-ups to the breach's people statuses; called in batches, never moves a person backwards by itself. */
  recordFollowUps(breachId: string, updates: FollowUp[]): Promise<void>;
}

export interface TimelineEntry {
  breachId: string;
  at: Date;
  /** `delivery.alert.<kind>` for anomalies, `delivery.campaign.<action>` for a person's action on a campaign. */
  kind: string;
  summary: string;
}

export interface TimelinePort {
  /** An entry on the breach timeline (alerts, campaign start/pause/cancel). */
  addTimelineEvent(entry: TimelineEntry): Promise<void>;
}

export type DeliveryPorts = DraftPorts & PopulationPorts & FollowUpPort & TimelinePort;

/** What an app is given for delivery: the composed ports and, optionally, the HTTP client for alert webhooks. */
export interface DeliveryDeps {
  ports: DeliveryPorts;
  fetch?: typeof fetch;
}
