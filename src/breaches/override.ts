import type { AuthorityAdvice, PeopleAdvice } from './risk/recommend.js';

export type AuthorityDecision = 'notify' | 'not-notify';
export type PeopleDecision = 'inform' | 'not-inform' | 'public-communication' | 'undetermined';

/** The advice each decision value follows; "depends" is followed by any decision (the DPO settles it). */
const authorityFollows: Record<AuthorityDecision, AuthorityAdvice> = { notify: 'notify', 'not-notify': 'record-only' };
const peopleFollows: Record<PeopleDecision, PeopleAdvice> = { inform: 'inform', 'not-inform': 'do-not-inform', 'public-communication': 'public-communication', undetermined: 'depends' };

export interface Departure {
  field: 'authority' | 'people';
  advised: string;
  decided: string;
}

/**
 * Where a decision departs from a recommendation. A recommendation of "depends" is settled, not overridden.
 * Deciding "undetermined" for people against a firm advice to inform departs from it: the DPO says why.
 */
export function departuresFrom(advice: { authority: AuthorityAdvice; people: PeopleAdvice }, decision: { authority: AuthorityDecision; people: PeopleDecision }): Departure[] {
  const departures: Departure[] = [];
  if (advice.authority !== 'depends' && authorityFollows[decision.authority] !== advice.authority) {
    departures.push({ field: 'authority', advised: advice.authority, decided: decision.authority });
  }
  if (advice.people !== 'depends' && peopleFollows[decision.people] !== advice.people) {
    departures.push({ field: 'people', advised: advice.people, decided: decision.people });
  }
  return departures;
}
