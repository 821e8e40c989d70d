import { ValidationError, type FieldError } from '../../http/errors.js';
import riskFactorData from '../data/risk-factors.json' with { type: 'json' };
import type { RiskInput } from './risk-input.js';

export type Recipients = NonNullable<RiskInput['recipients']>;
export type ConfidentialityElement = NonNullable<RiskInput['confidentiality']>;
export type AvailabilityElement = NonNullable<RiskInput['availability']>;

/** The circumstances of a breach once every fact the DPO stated is read together (one reading for score and advice). */
export interface Circumstances {
  recipients: Recipients;
  /** 1 for a single trusted recipient; null when not known. */
  recipientsCount: number | null;
  recipientAction: RiskInput['recipientAction'];
  /** ENISA's confidentiality element as stated or derived from the recipients. */
  confidentiality: ConfidentialityElement;
  availability: AvailabilityElement;
  unavailabilityHours: number | null;
  /** Which facts were derived, and from what, so that the assessment explains itself. */
  derived: { field: string; from: string }[];
}

const recipientsOfConfidentiality: Record<ConfidentialityElement, Recipients> = {
  none: 'none',
  exposed: 'none',
  'known-recipients': 'known',
  'unknown-recipients': 'unknown',
};
const confidentialityOfRecipients: Record<Recipients, ConfidentialityElement> = {
  none: 'none',
  'single-trusted': 'known-recipients',
  known: 'known-recipients',
  unknown: 'unknown-recipients',
  public: 'unknown-recipients',
};

/**
 * Reads the recipients, ENISA's confidentiality and availability elements and their older spellings as one
 * set of facts. Contradictions are field errors (a DPO who says "unknown recipients" and "one trusted
 * recipient" must choose); what is left out is derived from what is said, and the derivation is reported.
 */
export function readCircumstances(input: RiskInput): Circumstances {
  const derived: Circumstances['derived'] = [];
  const errors: FieldError[] = [];
  const derive = <T>(field: string, from: string, value: T): T => {
    derived.push({ field, from });
    return value;
  };

  let recipients: Recipients;
  if (input.recipients) recipients = input.recipients;
  else if (input.published) recipients = derive('recipients', 'published', 'public');
  else if (input.trustedRecipientDeleted) recipients = derive('recipients', 'trustedRecipientDeleted', 'single-trusted');
  else if (input.confidentiality) recipients = derive('recipients', 'confidentiality', recipientsOfConfidentiality[input.confidentiality]);
  else if (input.exfiltration === 'confirmed') recipients = derive('recipients', 'exfiltration', input.insider ? 'known' : 'unknown');
  else if (input.insider && input.malicious) recipients = derive('recipients', 'insider', 'known');
  else recipients = 'none';

  if (input.published && recipients !== 'public') errors.push({ path: 'published', message: `contradicts recipients "${recipients}"` });
  if (input.trustedRecipientDeleted && recipients !== 'single-trusted') errors.push({ path: 'trustedRecipientDeleted', message: `contradicts recipients "${recipients}"` });
  if (input.exfiltration === 'confirmed' && recipients === 'none') errors.push({ path: 'exfiltration', message: 'a confirmed exfiltration has recipients: state recipients (known, unknown or public)' });

  let recipientsCount = input.recipientsCount;
  if (recipients === 'single-trusted') {
    if (recipientsCount !== null && recipientsCount !== 1) errors.push({ path: 'recipientsCount', message: 'a single trusted recipient is one recipient' });
    recipientsCount = 1;
  } else if (recipients === 'known' && recipientsCount === null && input.insider && input.malicious && !input.recipients) {
    recipientsCount = derive('recipientsCount', 'insider', 1);
  }

  const recipientAction = input.trustedRecipientDeleted ? 'deletion-confirmed' : input.recipientAction;
  if (recipientAction !== 'none' && recipients === 'none') errors.push({ path: 'recipientAction', message: 'a recall or a deletion needs recipients' });

  const fromRecipients = confidentialityOfRecipients[recipients];
  let confidentiality: ConfidentialityElement;
  if (input.confidentiality) {
    const compatible = input.confidentiality === fromRecipients || (recipients === 'none' && input.confidentiality === 'exposed');
    if (!compatible) errors.push({ path: 'confidentiality', message: `"${input.confidentiality}" contradicts recipients "${recipients}" (expected "${fromRecipients}")` });
    confidentiality = input.confidentiality;
  } else confidentiality = fromRecipients === 'none' ? 'none' : derive('confidentiality', 'recipients', fromRecipients);

  const unavailabilityHours = input.unavailabilityHours ?? (input.restoreHours !== null ? derive('unavailabilityHours', 'restoreHours', input.restoreHours) : null);
  let availability: AvailabilityElement;
  if (input.availability) availability = input.availability;
  else if (unavailabilityHours !== null) {
    // ENISA: 0 when recoverable without difficulty, 0.25 when temporarily unavailable.
    const brief = unavailabilityHours < riskFactorData.thresholds.briefUnavailabilityHours;
    availability = derive('availability', input.unavailabilityHours !== null ? 'unavailabilityHours' : 'restoreHours', brief ? 'without-difficulty' : 'temporary');
  } else availability = 'none';

  if (errors.length > 0) throw new ValidationError(errors);
  return { recipients, recipientsCount, recipientAction, confidentiality, availability, unavailabilityHours, derived };
}
