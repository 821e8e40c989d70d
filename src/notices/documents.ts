/**
 * The documents Vigie drafts, the channels each one goes out on, and the parts (one template each) a channel
 * is made of. A template is `templates/drafts/<lang>/<kind>.<part>.mustache`.
 */
export const draftKinds = ['cnil-initial', 'cnil-complementary', 'notice', 'apology', 'public-notice', 'partner-notice'] as const;
export type DraftKind = (typeof draftKinds)[number];

/** Who reads it: decides the legal content required and whether it is personalised per person. */
export type Audience = 'authority' | 'people' | 'public' | 'partner';

export const channelParts = {
  'cnil-initial': { form: ['form'] },
  'cnil-complementary': { form: ['form'] },
  notice: { email: ['email-subject', 'email-html', 'email-text'], letter: ['letter'], sms: ['sms'] },
  apology: { email: ['email-subject', 'email-html', 'email-text'], sms: ['sms'] },
  'public-notice': { web: ['web-html', 'web-text'] },
  'partner-notice': { email: ['email-subject', 'email-text'] },
} as const satisfies Record<DraftKind, Record<string, readonly string[]>>;

export const channels = ['form', 'email', 'letter', 'sms', 'web'] as const;
export type Channel = (typeof channels)[number];

export const audienceOf: Record<DraftKind, Audience> = {
  'cnil-initial': 'authority',
  'cnil-complementary': 'authority',
  notice: 'people',
  apology: 'people',
  'public-notice': 'public',
  'partner-notice': 'partner',
};

/** How a part's values are escaped: HTML-escaped in HTML, left as they are in text and SMS. */
export type Medium = 'html' | 'text' | 'sms';
export const mediumOf = (part: string): Medium => (part.endsWith('html') ? 'html' : part === 'sms' ? 'sms' : 'text');

/** The parts of a kind on a channel, or undefined when that kind does not go out on that channel. */
export function partsOf(kind: DraftKind, channel: string): readonly string[] | undefined {
  return (channelParts[kind] as Record<string, readonly string[]>)[channel];
}

export const isPersonal = (kind: DraftKind): boolean => audienceOf[kind] === 'people';
