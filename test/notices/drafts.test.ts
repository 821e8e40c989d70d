import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { approveDraft, createDraft, editDraft, getDraft, rerenderDraft } from '../../src/notices/drafts-service.js';
import { recordFiling } from '../../src/notices/file-draft.js';
import type { Actor, NoticeDeps } from '../../src/notices/notice-deps.js';
import { approvedMessageRenderer, NotApprovedError, toRenderedMessage } from '../../src/notices/send-gate.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { pajemploiInput, sameDay } from './fixtures.js';

const dpo: Actor = { subject: 'dpo-acoss', roles: ['dpo'] };
const comms: Actor = { subject: 'comms-1', roles: ['comms'] };
const person = { name: 'Camille Martin', exposed: ['contact'], firstExposedAt: '2020-03-31T07:02:00Z' };

describe.each(engines())('drafts as documents (%s)', (engine) => {
  let database: TestDatabase;
  let deps: NoticeDeps;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    deps = { db: database.db, clock: manualClock(sameDay), config: testConfig() };
  });
  afterAll(() => database.close());

  const createSms = () =>
    createDraft(deps, { breachId: '7', kind: 'notice', channel: 'sms', lang: 'fr', input: pajemploiInput(), reason: 'Art. 34 communication' }, comms);

  it('saves version 1 with the data it was rendered from and who wrote it', async () => {
    const draft = await createSms();
    expect(draft).toMatchObject({ breachId: '7', kind: 'notice', channel: 'sms', version: 1, origin: 'rendered', createdBy: 'comms-1', isApproved: false, approval: null });
    expect(draft.parts.sms).toContain('[[person.date]]');
    expect((draft.source as { breach: { id: string } }).breach.id).toBe('BR-2020-0331');
    expect(draft.history).toEqual([{ version: 1, origin: 'rendered', at: sameDay.toISOString(), author: 'comms-1', reason: 'Art. 34 communication' }]);
  });

  it('stores nothing when the data is incomplete', async () => {
    const before = await database.db.selectFrom('notice_draft').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const input = pajemploiInput((draft) => {
      draft.breach.consequences = [];
    });
    await expect(createDraft(deps, { breachId: '7', kind: 'cnil-initial', channel: 'form', lang: 'fr', input, reason: 'initial' }, dpo)).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'breach.consequences' }],
    });
    const after = await database.db.selectFrom('notice_draft').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('keeps hand edits as versions, and does not render over them unless told', async () => {
    const draft = await createSms();
    const edited = await editDraft(deps, draft.id, { parts: { sms: 'Pajemploi : le [[person.date]], vos infos ont pu s\'afficher. Infos : https://pajemploi.example/i' }, reason: 'shorter', expectedVersion: 1 }, comms);
    expect(edited).toMatchObject({ version: 2, origin: 'edited' });
    expect(edited.source).toEqual(draft.source);
    await expect(rerenderDraft(deps, draft.id, { reason: 'facts changed' }, comms)).rejects.toMatchObject({ status: 409 });
    await expect(editDraft(deps, draft.id, { parts: { sms: 'x [[person.name]]' }, reason: 'stale', expectedVersion: 1 }, comms)).rejects.toMatchObject({ status: 409 });
    await expect(editDraft(deps, draft.id, { parts: { sms: 'Votre IBAN [[person.iban]]' }, reason: 'bad' }, comms)).rejects.toMatchObject({ status: 400 });
    const rerendered = await rerenderDraft(deps, draft.id, { reason: 'facts changed', discardEdits: true }, comms);
    expect(rerendered).toMatchObject({ version: 3, origin: 'rendered' });
    expect(rerendered.history.map((entry) => entry.origin)).toEqual(['rendered', 'edited', 'rendered']);
    const actions = await database.db.selectFrom('staff_action').select(['actor', 'action', 'reason']).where('target', '=', `draft:${draft.id}`).orderBy('id').execute();
    expect(actions).toEqual([
      { actor: 'comms-1', action: 'notice.draft.create', reason: 'Art. 34 communication' },
      { actor: 'comms-1', action: 'notice.draft.edit', reason: 'shorter' },
      { actor: 'comms-1', action: 'notice.draft.rerender', reason: 'facts changed' },
    ]);
  });

  it('cannot be sent before a DPO approves it, nor after it changed since', async () => {
    const draft = await createSms();
    await expect(approvedMessageRenderer(deps, draft.id)).rejects.toBeInstanceOf(NotApprovedError);
    await expect(approveDraft(deps, draft.id, { version: 1, reason: 'ok' }, comms)).rejects.toMatchObject({ status: 403 });
    await expect(approveDraft(deps, draft.id, { version: 2, reason: 'ok' }, dpo)).rejects.toMatchObject({ status: 409 });
    const approved = await approveDraft(deps, draft.id, { version: 1, reason: 'reviewed with legal' }, dpo);
    expect(approved).toMatchObject({ isApproved: true, approval: { version: 1, by: 'dpo-acoss', reason: 'reviewed with legal' } });

    const render = await approvedMessageRenderer(deps, draft.id);
    const message = toRenderedMessage(render(person));
    expect(message.text).toMatch(/^Urssaf - Pajemploi : le 31\/03\/2020, des informations/);
    // Without per-person detail, the breach's own categories and dates stand in.
    expect(render({ name: 'Dominique' }).sms).toContain('le 31/03/2020');

    await editDraft(deps, draft.id, { parts: { sms: 'Changed after approval [[person.name]] https://x.example' }, reason: 'tweak' }, comms);
    expect((await getDraft(deps, draft.id)).isApproved).toBe(false);
    await expect(approvedMessageRenderer(deps, draft.id)).rejects.toBeInstanceOf(NotApprovedError);
  });

  it('records when the CNIL draft was filed and its reference, then closes it to edits', async () => {
    const draft = await createDraft(deps, { breachId: '7', kind: 'cnil-initial', channel: 'form', lang: 'fr', input: pajemploiInput(), reason: 'initial' }, dpo);
    await expect(createDraft(deps, { breachId: '7', kind: 'cnil-initial', channel: 'form', lang: 'fr', input: pajemploiInput(), reason: 'x' }, comms)).rejects.toMatchObject({ status: 403 });
    const seen: unknown[] = [];
    const filed = await recordFiling(deps, draft.id, { filedAt: '2020-03-31T15:30:00Z', reference: 'CNIL-2020-0331-0042', reason: 'filed in the teleservice' }, dpo, async (filing) => {
      seen.push(filing);
    });
    expect(filed.filing).toMatchObject({ filedAt: '2020-03-31T15:30:00.000Z', reference: 'CNIL-2020-0331-0042', recordedBy: 'dpo-acoss' });
    expect(seen).toEqual([{ breachId: '7', filedAt: new Date('2020-03-31T15:30:00Z'), reference: 'CNIL-2020-0331-0042', kind: 'initial' }]);
    await expect(recordFiling(deps, draft.id, { filedAt: '2020-03-31T15:30:00Z', reference: 'again', reason: 'twice' }, dpo)).rejects.toMatchObject({ status: 409 });
    await expect(editDraft(deps, draft.id, { parts: { form: 'changed' }, reason: 'late edit' }, dpo)).rejects.toMatchObject({ status: 409 });
    await expect(recordFiling(deps, (await createSms()).id, { filedAt: '2020-03-31T15:30:00Z', reference: 'x', reason: 'not cnil' }, dpo)).rejects.toMatchObject({ status: 409 });
  });

  it('answers 404 for an unknown draft', async () => {
    await expect(getDraft(deps, '999999')).rejects.toMatchObject({ status: 404 });
    await expect(getDraft(deps, 'abc')).rejects.toMatchObject({ status: 404 });
  });
});
