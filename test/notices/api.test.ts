import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import type { DraftInputIn } from '../../src/notices/draft-input.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';
import { pajemploiInput, sameDay } from './fixtures.js';

describe.each(engines())('drafts API (%s)', (engine) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof testApp>;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    harness = testApp({ db: database.db, clock: manualClock(sameDay), env: { VIGIE_SMS_MAX_SEGMENTS: '1' } });
  });
  afterAll(() => database.close());

  const call = async (method: string, path: string, roles: ('dpo' | 'comms' | 'auditor' | 'sre')[], body?: unknown) => {
    const res = await harness.app.request(`/_vigie${path}`, {
      method,
      headers: { ...(await harness.auth(roles, roles[0])), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
  };
  const input = (change: (draft: DraftInputIn) => void = () => {}) => pajemploiInput(change);

  it('writes, edits, approves and previews an SMS notice; records who did what', async () => {
    const created = await call('POST', '/breaches/7/drafts', ['comms'], { kind: 'notice', channel: 'sms', lang: 'fr', input: input(), reason: 'Art. 34 communication' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'notice', version: 1, createdBy: 'comms', isApproved: false });
    const id = created.body.id;

    const edited = await call('PUT', `/drafts/${id}`, ['comms'], { parts: { sms: 'Pajemploi : le [[person.date]], vos informations ont pu être vues. Infos : https://pajemploi.example/i' }, reason: 'plus court' });
    expect(edited.body).toMatchObject({ version: 2, origin: 'edited' });

    const preview = await call('POST', `/drafts/${id}/preview`, ['comms'], { person: { name: 'Camille', exposed: ['contact'], firstExposedAt: '2020-03-31T07:00:00Z' } });
    expect(preview.status).toBe(200);
    expect(preview.body.parts.sms).toBe('Pajemploi : le 31/03/2020, vos informations ont pu être vues. Infos : https://pajemploi.example/i');
    expect(preview.body.sms).toMatchObject({ encoding: 'UCS-2', segments: 2, nonGsmCharacters: ['ê'] });
    expect(preview.body.sms.warnings[0]).toBe('Le SMS fait 2 segments (limite configurée : 1).');

    expect((await call('POST', `/drafts/${id}/approval`, ['comms'], { version: 2, reason: 'ok' })).status).toBe(403);
    const approved = await call('POST', `/drafts/${id}/approval`, ['dpo'], { version: 2, reason: 'relu' });
    expect(approved.body).toMatchObject({ isApproved: true, approval: { version: 2, by: 'dpo' } });
    const list = await call('GET', '/breaches/7/drafts', ['auditor']);
    expect(list.body).toEqual([{ id, kind: 'notice', channel: 'sms', lang: 'fr', version: 2, isApproved: true, filedAt: null, cnilReference: null }]);
    const read = await call('GET', `/drafts/${id}`, ['auditor']);
    expect(read.body.history.map((h: { author: string }) => h.author)).toEqual(['comms', 'comms']);
  });

  it('answers 400 naming the missing fields, and stores nothing', async () => {
    const res = await call('POST', '/breaches/7/drafts', ['dpo'], {
      kind: 'cnil-initial',
      channel: 'form',
      input: input((draft) => {
        draft.breach.consequences = [];
        delete draft.dpo;
      }),
      reason: 'initial',
    });
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['dpo.name', 'dpo.email', 'breach.consequences']);
    expect(res.body.detail).toContain('missing: dpo.name, dpo.email, breach.consequences');
    const rows = await database.db.selectFrom('notice_draft').select('id').where('kind', '=', 'cnil-initial').execute();
    expect(rows).toEqual([]);
  });

  it('answers 400 naming a bad code or channel, 403 to comms for a CNIL draft, 404 for an unknown draft', async () => {
    const badCode = await call('POST', '/breaches/7/drafts', ['dpo'], { kind: 'cnil-initial', channel: 'form', input: { ...input(), breach: { ...input().breach, origins: ['cache'] } }, reason: 'x y z' });
    expect(badCode.status).toBe(400);
    expect(badCode.body.errors[0].path).toBe('body.input.breach.origins.0');
    const badChannel = await call('POST', '/breaches/7/drafts', ['dpo'], { kind: 'cnil-initial', channel: 'sms', input: input(), reason: 'x y z' });
    expect(badChannel.body.errors).toEqual([{ path: 'channel', message: 'a cnil-initial draft goes out on: form' }]);
    expect((await call('POST', '/breaches/7/drafts', ['comms'], { kind: 'cnil-initial', channel: 'form', input: input(), reason: 'x y z' })).status).toBe(403);
    expect((await call('GET', '/drafts/424242', ['dpo'])).status).toBe(404);
    expect((await call('GET', '/drafts/1', ['sre'])).status).toBe(403);
  });

  it('previews an e-mail as the recipient sees it, the name escaped in HTML only', async () => {
    const res = await call('POST', '/drafts/preview', ['comms'], {
      kind: 'notice',
      channel: 'email',
      lang: 'en',
      input: input(),
      person: { name: '<script>x</script> Smith', exposed: ['contact'], firstExposedAt: '2020-03-31T07:00:00Z' },
    });
    expect(res.status).toBe(200);
    expect(res.body.parts['email-html']).toContain('<p>Dear &lt;script&gt;x&lt;&#x2F;script&gt; Smith,</p>');
    expect(res.body.parts['email-text']).toContain('Dear <script>x</script> Smith,');
    expect(res.body.parts['email-subject']).toBe('Urssaf — Pajemploi: an incident concerning your personal data');
    expect(res.body.sms).toBeNull();
  });
});
