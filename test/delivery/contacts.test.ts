import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createHttpContactDirectory } from '../../src/delivery/contacts-http.js';
import { deliveryContext } from '../../src/delivery/wiring.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';
import { pajemploiInput, sameDay } from '../notices/fixtures.js';

const token = 'directory-token-0123456789';

/** The organisation's directory, as a service of its own: knows p1 and p2 (p3 has no address), checks the token. */
async function startDirectory(): Promise<{ server: Server; url: string; asked: { breachId: string; ids: string[] }[]; mode: { value: 'ok' | 'down' | 'garbled' } }> {
  const asked: { breachId: string; ids: string[] }[] = [];
  const mode = { value: 'ok' as 'ok' | 'down' | 'garbled' };
  const book: Record<string, object> = {
    p1: { id: 'p1', name: 'Camille Martin', email: 'camille@example.org', phone: '+33600000001' },
    p2: { id: 'p2', name: 'Dominique Petit', email: 'dominique@example.org', phone: '+33600000002', locale: 'fr' },
  };
  const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
  });
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await read(req)) as { breachId: string; ids: string[] };
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
    asked.push(body);
    if (mode.value === 'down') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('camille@example.org broke');
    if (mode.value === 'garbled') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"people": []}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ contacts: body.ids.map((id) => book[id]).filter(Boolean) }));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return { server, url: `http://127.0.0.1:${port}/contacts`, asked, mode };
}

describe('the contact directory over HTTP (VIGIE_CONTACTS_URL)', () => {
  let directory: Awaited<ReturnType<typeof startDirectory>>;
  beforeAll(async () => {
    directory = await startDirectory();
  });
  afterAll(() => new Promise((resolve) => directory.server.close(resolve)));

  it('asks for the ids with the token and keeps only what was asked; failures are 503s without the body', async () => {
    const find = createHttpContactDirectory({ url: directory.url, token });
    const found = await find('b1', ['p1', 'p3']);
    expect([...found.keys()]).toEqual(['p1']);
    expect(found.get('p1')).toMatchObject({ name: 'Camille Martin', email: 'camille@example.org' });
    expect(directory.asked.at(-1)).toEqual({ breachId: 'b1', ids: ['p1', 'p3'] });
    expect((await find('b1', [])).size).toBe(0);

    directory.mode.value = 'down';
    const down = await find('b1', ['p1']).catch((error: Error) => error);
    expect(down).toMatchObject({ status: 503, message: 'The contact directory (VIGIE_CONTACTS_URL) answered 500' });
    directory.mode.value = 'garbled';
    await expect(find('b1', ['p1'])).rejects.toThrow('answered in an unexpected shape');
    directory.mode.value = 'ok';
    await expect(createHttpContactDirectory({ url: directory.url, token: 'wrong-token-0123456789' })('b1', ['p1'])).rejects.toThrow('answered 401');
  });
});

describe.each(engines())('a campaign over the real register, drafts and directory (%s)', (engine) => {
  let t: TestDatabase;
  let directory: Awaited<ReturnType<typeof startDirectory>>;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    directory = await startDirectory();
  }, 180_000);
  afterAll(async () => {
    await new Promise((resolve) => directory.server.close(resolve));
    await t.close();
  });

  it('queues one message per person with an address, reports the person without one, and receipts move their follow-up', async () => {
    const { app, auth, deps } = testApp({ db: t.db, clock: manualClock(sameDay), env: { VIGIE_CONTACTS_URL: directory.url, VIGIE_CONTACTS_TOKEN: token } });
    const call = async (path: string, roles: ('dpo' | 'comms')[], body: unknown) => {
      const res = await app.request(`/_vigie${path}`, { method: 'POST', headers: { ...(await auth(roles, roles[0])), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const breach = await call('/breaches', ['dpo'], { title: 'Données affichées à la mauvaise personne', awareAt: '2020-03-31T09:45:00Z' });
    expect(breach.status).toBe(201);
    const breachId = breach.body.id;
    expect((await call(`/breaches/${breachId}/people`, ['dpo'], { people: [{ ref: 'p1' }, { ref: 'p2' }, { ref: 'p3' }] })).status).toBe(201);
    const draft = await call(`/breaches/${breachId}/drafts`, ['comms'], { kind: 'notice', channel: 'email', lang: 'fr', input: pajemploiInput(), reason: 'Art. 34' });
    expect(draft.status).toBe(201);
    expect((await call(`/drafts/${draft.body.id}/approval`, ['dpo'], { version: 1, reason: 'relu' })).status).toBe(200);

    // The e-mail draft has no letter part: refused before anything is queued, naming the field.
    const campaignsBefore = await t.db.selectFrom('delivery_campaign').select('id').execute();
    const letters = await call('/delivery/campaigns', ['comms'], { draftId: draft.body.id, channel: 'letter', reason: 'no e-mail on file' });
    expect(letters.status).toBe(400);
    expect(letters.body.errors).toEqual([{ path: 'body.channel', message: 'the draft has no letter part (letter or letter-html; it has: email-html, email-subject, email-text): approve a letter draft and send that' }]);
    expect(await t.db.selectFrom('delivery_campaign').select('id').execute()).toEqual(campaignsBefore);

    const campaign = await call('/delivery/campaigns', ['comms'], { draftId: draft.body.id, channel: 'email', reason: 'Art. 34 communication' });
    expect(campaign.status).toBe(201);
    expect(campaign.body).toMatchObject({ queued: 2, withoutDestination: 1, campaign: { total: 2 } });
    const messages = await t.db.selectFrom('delivery_message').select(['person_id', 'destination', 'body']).where('campaign_id', '=', campaign.body.campaign.id).orderBy('person_id').execute();
    expect(messages.map((m) => [m.person_id, m.destination])).toEqual([['p1', 'camille@example.org'], ['p2', 'dominique@example.org']]);
    expect(messages[0]!.body).toContain('Camille Martin');
    expect(directory.asked.map((a) => a.breachId)).toContain(String(breachId));

    // Follow-ups (as delivery reports them) move each person's status with an event and the evidence as reason.
    const at = new Date('2020-04-01T08:00:00Z');
    const followUps = deliveryContext(deps).ports.recordFollowUps;
    await followUps(String(breachId), [
      { personId: 'p1', outcome: 'informed', evidence: 'SMS delivery receipt: delivered', at },
      { personId: 'p2', outcome: 'not-informed', evidence: 'e-mail not delivered: relay refused (550)', at },
    ]);
    const people = async () => Object.fromEntries((await t.db.selectFrom('breach_person').select(['person_ref', 'status']).where('breach_id', '=', breachId).execute()).map((p) => [p.person_ref, p.status]));
    expect(await people()).toEqual({ p1: 'informed', p2: 'to-inform', p3: 'identified' });
    // A failure takes back an "informed" that delivery gave (a bounce after the e-mail was taken as received)…
    await followUps(String(breachId), [{ personId: 'p1', outcome: 'not-informed', evidence: 'e-mail not delivered: bounced (550 5.1.1)', at }, { personId: 'p2', outcome: 'informed', evidence: 'letter posted', at }]);
    expect(await people()).toEqual({ p1: 'to-inform', p2: 'informed', p3: 'identified' });
    // …but never one a person confirmed: the DPO's own record stands.
    const patch = await app.request(`/_vigie/breaches/${breachId}/people/p2`, { method: 'PATCH', headers: { ...(await auth(['dpo'], 'dora')), 'content-type': 'application/json' }, body: JSON.stringify({ status: 'informed', reason: 'confirmed by phone' }) });
    expect(patch.status).toBe(200);
    await followUps(String(breachId), [{ personId: 'p2', outcome: 'not-informed', evidence: 'letter returned: bounced', at }]);
    expect(await people()).toEqual({ p1: 'to-inform', p2: 'informed', p3: 'identified' });
    const events = await t.db.selectFrom('breach_person_event').select(['person_ref', 'from_status', 'to_status', 'reason', 'actor']).where('breach_id', '=', breachId).where('source', '=', 'delivery').orderBy('id').execute();
    expect(events).toEqual([
      { person_ref: 'p1', from_status: 'identified', to_status: 'informed', reason: 'SMS delivery receipt: delivered', actor: 'vigie-delivery' },
      { person_ref: 'p2', from_status: 'identified', to_status: 'to-inform', reason: 'e-mail not delivered: relay refused (550)', actor: 'vigie-delivery' },
      { person_ref: 'p1', from_status: 'informed', to_status: 'to-inform', reason: 'e-mail not delivered: bounced (550 5.1.1)', actor: 'vigie-delivery' },
      { person_ref: 'p2', from_status: 'to-inform', to_status: 'informed', reason: 'letter posted', actor: 'vigie-delivery' },
    ]);
  });
});
