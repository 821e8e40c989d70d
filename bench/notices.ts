/**
 * Drafts (issue 7): rendering the personalised messages of a campaign the size of Pôle emploi's (650,000),
 * from an approved draft, beside a bare mustache render loop over the same text as the floor.
 * Target: ≤ 10 s for 650,000 messages. Run: `npm run bench -- notices` (NOTICES_BENCH_COUNT to change the size).
 */
import Mustache from 'mustache';
import { renderDraft } from '../src/notices/render-draft.js';
import { compilePersonalMessage, personTags, type PersonRecord } from '../src/notices/render-personal.js';
import { countSms } from '../src/notices/sms.js';
import { defaultTemplateSet } from '../src/notices/template-set.js';
import { pajemploiInput, sameDay } from '../test/notices/fixtures.js';
import type { Benchmark } from './index.js';

const count = Number(process.env.NOTICES_BENCH_COUNT ?? 650_000);
const target = 10;
const timeZone = 'Europe/Paris';
const exposures = [['civil-status'], ['civil-status', 'financial'], ['contact', 'civil-status', 'financial']];
const windowStart = Date.parse('2020-03-31T06:40:00Z');

function people(n: number): PersonRecord[] {
  // Exposures spread over the 3 h 05 of the incident, minute by minute, as an access-log snapshot gives them.
  return Array.from({ length: n }, (_, i) => {
    const first = windowStart + (i % 185) * 60_000;
    return { name: `Prénom${i} Nom${i % 9973}`, exposed: exposures[i % 3]!, firstExposedAt: new Date(first), lastExposedAt: new Date(first + (i % 7) * 60_000) };
  });
}

function time(label: string, run: () => number): { label: string; seconds: number; checksum: number } {
  const started = performance.now();
  const checksum = run();
  return { label, seconds: (performance.now() - started) / 1000, checksum };
}

export const noticesBenchmark: Benchmark = {
  name: 'notices',
  title: `render ${count.toLocaleString('en')} personalised messages from an approved draft (target ≤ ${target} s)`,
  async run() {
    const input = pajemploiInput();
    const draftOf = (channel: string) => renderDraft(defaultTemplateSet, { kind: 'notice', channel, lang: 'fr', input, timeZone, at: sameDay });
    const sms = draftOf('sms');
    const email = draftOf('email');
    const population = people(count);
    const renderSms = compilePersonalMessage(sms, timeZone);
    const renderEmail = compilePersonalMessage(email, timeZone);
    // The floor: mustache alone on the same SMS text, with every value already a string (no labels,
    // no dates, no checks): what rendering costs before Vigie does anything.
    const smsTemplate = sms.parts.sms!;
    const plain = population.map((p, i) => ({ person: { name: p.name, date: '31/03/2020', exposedList: `liste ${i % 3}` } }));
    const identity = (value: unknown) => String(value);
    Mustache.parse(smsTemplate, personTags);

    const results = [
      time('floor: bare Mustache.render (SMS, strings ready)', () => {
        let total = 0;
        for (const view of plain) total += Mustache.render(smsTemplate, view, undefined, { tags: personTags, escape: identity }).length;
        return total;
      }),
      time('floor: mustache Writer.renderTokens (SMS, parsed once, strings ready)', () => {
        const writer = new Mustache.Writer();
        const tokens = writer.parse(smsTemplate, personTags);
        let total = 0;
        for (const view of plain) total += writer.renderTokens(tokens, new Mustache.Context(view), undefined, smsTemplate, { escape: identity }).length;
        return total;
      }),
      time('vigie: SMS per person (labels, local time, strict)', () => {
        let total = 0;
        for (const person of population) total += renderSms(person).sms!.length;
        return total;
      }),
      time('vigie: SMS per person + segment count', () => {
        let total = 0;
        for (const person of population) total += countSms(renderSms(person).sms!).segments;
        return total;
      }),
      time('vigie: e-mail per person (subject + HTML + text)', () => {
        let total = 0;
        for (const person of population) {
          const parts = renderEmail(person);
          total += parts['email-html']!.length + parts['email-text']!.length + parts['email-subject']!.length;
        }
        return total;
      }),
    ];
    const floor = results[0]!.seconds;
    console.log(`| variant | messages | seconds | messages/s | × floor | ≤ ${target} s |`);
    console.log('|---|---:|---:|---:|---:|:---:|');
    for (const r of results) {
      const rate = Math.round(count / r.seconds).toLocaleString('en');
      console.log(`| ${r.label} | ${count.toLocaleString('en')} | ${r.seconds.toFixed(2)} | ${rate} | ${(r.seconds / floor).toFixed(2)} | ${r.seconds <= target ? 'yes' : 'NO'} |`);
    }
  },
};
