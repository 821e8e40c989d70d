import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import type { Role } from '../../src/auth/staff-principal.js';
import { parseConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/entry/node.js';
import { engines, openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/processes.js';
import { startSmtpCatcher, type ReceivedMail } from '../delivery/fixtures.js';

const staffSecret = 'readme-chain-staff-secret-0123456789abcdef';
const principalSecret = 'readme-chain-principal-secret-0123456789ab';

/** The README's protected service: a personal-data page declaring `identity, financial`, as the README shows. */
async function startOrigin(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const account = /^\/accounts\/([\w-]+)$/.exec(new URL(req.url ?? '/', 'http://origin').pathname);
    if (!account) {
      res.writeHead(404).end();
      return;
    }
    // A misconfigured cache in front of the service: the page was produced for its owner, whoever asks.
    res.writeHead(200, {
      'content-type': 'application/json',
      'vigie-data-subjects': account[1]!,
      'vigie-data-categories': 'identity, financial',
      'vigie-produced-for': account[1]!,
    });
    res.end(JSON.stringify({ id: account[1], salary: 1234 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The organisation's contact directory (VIGIE_CONTACTS_URL): names and e-mail addresses by identifier. */
async function startDirectory(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const { ids } = JSON.parse(body) as { ids: string[] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ contacts: ids.map((id) => ({ id, name: `Personne ${id}`, email: `${id}@example.test`, locale: 'fr' })) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/contacts`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A mail's text, quoted-printable undone. */
function decoded(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * The README's example run from the gateway to delivered e-mails, through `vigie serve` itself: an origin
 * declares `Vigie-Data-Categories: identity, financial`; a cache shows two people's pages to others; the DPO
 * snapshots the exposure report, attaches it to a breach, writes and approves the Art. 34 e-mail; the campaign
 * goes out over SMTP and each message names what of that person's was seen, in the register's words.
 */
describe.each(engines())('the README example from the gateway to delivered e-mails (%s)', (engine) => {
  let database: TestDatabase | undefined;
  let dataDir = '';
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  let directory: Awaited<ReturnType<typeof startDirectory>>;
  let smtp: SMTPServer;
  let received: ReceivedMail[] = [];
  let vigie: RunningServer;
  let base = '';

  beforeAll(async () => {
    origin = await startOrigin();
    directory = await startDirectory();
    const smtpPort = await freePort();
    ({ server: smtp, received } = await startSmtpCatcher(smtpPort));
    let databaseUrl = '';
    if (engine === 'postgresql') {
      database = await openTestDatabase(engine, { migrate: false });
      const url = new URL(testDatabaseUrl!);
      url.searchParams.set('options', `-c search_path=${database.schema}`);
      databaseUrl = url.toString();
    }
    dataDir = mkdtempSync(join(tmpdir(), 'vigie-readme-chain-'));
    const config = parseConfig({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      VIGIE_DATA_DIR: dataDir,
      VIGIE_LOG_LEVEL: 'silent',
      VIGIE_JWT_SECRET: staffSecret,
      VIGIE_PRINCIPAL_SECRET: principalSecret,
      VIGIE_UPSTREAM: origin.url,
      VIGIE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      VIGIE_SMTP_FROM: 'DPO <dpo@vigie.example>',
      VIGIE_CONTACTS_URL: directory.url,
      VIGIE_OUTBOUND_PRIVATE_NETWORKS: '127.0.0.0/8',
      VIGIE_ORG_NAME: 'Pajemploi',
      VIGIE_DPO_CONTACT: 'Délégué à la protection des données <dpo@pajemploi.example>',
    });
    vigie = await startServer(config, {});
    base = `http://127.0.0.1:${vigie.port}`;
  }, 180_000);

  afterAll(async () => {
    await vigie?.close();
    await Promise.all([origin?.close(), directory?.close(), new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()))]);
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const endUser = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(principalSecret));
  const staff = async (roles: Role[]) =>
    mintStaffToken({ secret: staffSecret, issuer: 'vigie', audience: 'vigie', rolesClaim: 'roles', subject: `${roles[0]}-1`, roles, ttlSeconds: 600 });
  const call = async (method: string, path: string, roles: Role[], body?: unknown) => {
    const res = await fetch(`${base}/_vigie${path}`, {
      method,
      headers: { authorization: `Bearer ${await staff(roles)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  it('carries identity and financial from the origin to each person’s e-mail', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    // The cache shows p-1's page to p-2 and p-3's to p-4; p-5 reads their own.
    for (const [receiver, page] of [['p-2', 'p-1'], ['p-4', 'p-3'], ['p-5', 'p-5']] as const) {
      const res = await fetch(`${base}/accounts/${page}`, { headers: { authorization: `Bearer ${await endUser(receiver)}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('vigie-data-categories')).toBeNull();
      await res.text();
    }
    // The README's categories are known: nothing is reported at the gateway.
    const status = await call('GET', '/audit/status', ['auditor']);
    expect(status.body).toMatchObject({ committedRecords: 3, unknownCategories: { total: 0, categories: {} } });

    const to = new Date(Date.now() + 1_000).toISOString();
    const snapshot = await call('POST', '/exposure/snapshots', ['dpo'], { name: 'readme-1', from, to, reason: 'cache mix-up reported by users' });
    expect(snapshot.status).toBe(201);
    const report = snapshot.body.report as { byPerson: { subject: string; categories: string[] }[] };
    expect(report.byPerson.map((p) => [p.subject, p.categories])).toEqual([
      ['p-1', ['financial', 'identity']],
      ['p-3', ['financial', 'identity']],
    ]);

    const opened = await call('POST', '/breaches', ['dpo'], {
      title: 'Données d’autres usagers affichées',
      summary: 'Un cache mal configuré a montré la page d’un usager à un autre.',
      awareAt: new Date().toISOString(),
      natures: ['confidentiality'],
      consequences: ['loss-of-control'],
      measures: { immediate: ['Cache corrigé'], mediumTerm: [], longTerm: [] },
      reason: 'user reports',
    });
    expect(opened.status).toBe(201);
    const breachId = String(opened.body.id);
    const attached = await call('POST', '/exposure/snapshots/readme-1/attach', ['dpo'], { breachId, reason: 'the exposed people' });
    expect(attached.status).toBe(200);
    // The register holds each person's categories in its own (CNIL) words, and the breach's facts gain them.
    const people = await call('GET', `/breaches/${breachId}/people`, ['dpo']);
    expect((people.body.people as { ref: string; exposed: string[] }[]).map((p) => [p.ref, p.exposed])).toEqual([
      ['p-1', ['civil-status', 'financial']],
      ['p-3', ['civil-status', 'financial']],
    ]);
    const breach = await call('GET', `/breaches/${breachId}`, ['dpo']);
    expect((breach.body.facts as { dataCategories: string[] }).dataCategories).toEqual(['civil-status', 'financial']);

    const draft = await call('POST', `/breaches/${breachId}/drafts`, ['dpo'], { kind: 'notice', channel: 'email', lang: 'fr', reason: 'Art. 34 communication' });
    expect(draft.status).toBe(201);
    const draftId = String(draft.body.id);
    expect((await call('POST', `/drafts/${draftId}/approval`, ['dpo'], { version: 1, reason: 'read with legal' })).status).toBe(200);
    const campaign = await call('POST', '/delivery/campaigns', ['comms'], { draftId, channel: 'email', reason: 'Art. 34 communication' });
    expect(campaign.status).toBe(201);
    expect(campaign.body).toMatchObject({ queued: 2 });
    const campaignId = String((campaign.body.campaign as { id: string }).id);
    expect((await call('POST', `/delivery/campaigns/${campaignId}/start`, ['comms'], { reason: 'approved' })).status).toBe(200);

    const started = performance.now();
    while (received.length < 2) {
      expect(performance.now() - started).toBeLessThan(30_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(received.flatMap((mail) => mail.to).sort()).toEqual(['p-1@example.test', 'p-3@example.test']);
    for (const mail of received) {
      const text = decoded(mail.raw);
      expect(text).toContain('des éléments de votre état civil');
      expect(text).toContain('des informations financières');
    }
  }, 120_000);
});
