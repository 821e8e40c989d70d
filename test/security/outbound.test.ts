import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpContactDirectory } from '../../src/delivery/contacts-http.js';
import { createOutboundFetch, isRestrictedAddress, OutboundRefused } from '../../src/http/outbound.js';
import { createWebhookSender } from '../../src/http/signed-webhooks.js';
import { createLogger } from '../../src/logger.js';
import { parseConfig } from '../../src/config.js';

// Webhook and contact-directory URLs come from settings; a planted or mistaken one must not reach the private
// network, follow a redirect to another host, nor get its answer quoted back.

describe('outbound requests (alert webhooks, contact directory)', () => {
  let server: Server;
  let other: Server;
  let base = '';
  let otherBase = '';
  const hits: string[] = [];

  beforeAll(async () => {
    other = createServer((req, res) => {
      hits.push(`other ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"contacts":[]}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherBase = `http://localhost:${(other.address() as AddressInfo).port}`;
    server = createServer((req, res) => {
      hits.push(`main ${req.url}`);
      if (req.url === '/elsewhere') res.writeHead(307, { location: `${otherBase}/stolen` }).end();
      else if (req.url === '/here') res.writeHead(307, { location: '/directory' }).end();
      else if (req.url === '/directory') res.writeHead(200, { 'content-type': 'application/json' }).end('{"contacts":[{"id":"p1","email":"jeanne@example.fr"}]}');
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('SECRET-INTERNAL-DETAIL jeanne@example.fr');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => other.close(resolve));
  });

  const loopbackAllowed = { allowedHosts: [], privateNetworks: ['127.0.0.0/8'], resolve: async () => ['127.0.0.1'] };

  it('knows the private, loopback, link-local and reserved ranges', () => {
    for (const address of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isRestrictedAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '2001:4860:4860::8888']) expect(isRestrictedAddress(address), address).toBe(false);
  });

  it('refuses private destinations unless VIGIE_OUTBOUND_PRIVATE_NETWORKS lists them, by literal address or resolved name', async () => {
    const refused = createOutboundFetch({ allowedHosts: [], privateNetworks: [] });
    await expect(refused(`${base}/directory`)).rejects.toThrow(OutboundRefused);
    await expect(refused('http://169.254.169.254/latest/meta-data/')).rejects.toThrow(/private or reserved/);
    await expect(refused('http://[::1]/')).rejects.toThrow(/private or reserved/);
    const byName = createOutboundFetch({ allowedHosts: [], privateNetworks: [], resolve: async () => ['10.0.0.5'] });
    await expect(byName('http://directory.internal.example/')).rejects.toThrow(/private or reserved/);
    await expect(refused('file:///etc/passwd')).rejects.toThrow(/http and https/);
    expect((await createOutboundFetch(loopbackAllowed)(`${base}/directory`)).status).toBe(200);
  });

  it('refuses hosts outside VIGIE_OUTBOUND_ALLOWED_HOSTS', async () => {
    const onlyOne = createOutboundFetch({ allowedHosts: ['hooks.example.org', '*.chat.example'], privateNetworks: ['127.0.0.0/8'] });
    await expect(onlyOne(`${base}/directory`)).rejects.toThrow(/VIGIE_OUTBOUND_ALLOWED_HOSTS/);
    expect(parseConfig({ VIGIE_OUTBOUND_ALLOWED_HOSTS: 'hooks.example.org, *.chat.example' }).outbound.allowedHosts).toEqual(['hooks.example.org', '*.chat.example']);
    expect(() => parseConfig({ VIGIE_OUTBOUND_PRIVATE_NETWORKS: 'intranet' })).toThrow(/VIGIE_OUTBOUND_PRIVATE_NETWORKS/);
  });

  it('follows a redirect to the same origin only: another host is never contacted', async () => {
    hits.length = 0;
    const guarded = createOutboundFetch(loopbackAllowed);
    expect((await guarded(`${base}/here`, { method: 'POST', body: '{}' })).status).toBe(200);
    await expect(guarded(`${base}/elsewhere`, { method: 'POST', body: '{"ids":["p1"]}' })).rejects.toThrow(/another host/);
    expect(hits).toEqual(['main /here', 'main /directory', 'main /elsewhere']);
  });

  it("the contact directory's errors never quote its answer; a refused destination names the setting", async () => {
    const failing = createHttpContactDirectory({ url: `${base}/broken`, outbound: loopbackAllowed });
    const error = await failing('1', ['p1']).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toMatch(/SECRET|jeanne/);
    const redirected = createHttpContactDirectory({ url: `${base}/elsewhere`, outbound: loopbackAllowed });
    const refusal = await redirected('1', ['p1']).catch((e: Error) => e);
    expect((refusal as Error).message).toMatch(/VIGIE_CONTACTS_URL.*another host/);
    const privateOne = createHttpContactDirectory({ url: `${base}/directory`, outbound: { allowedHosts: [], privateNetworks: [] } });
    expect(((await privateOne('1', ['p1']).catch((e: Error) => e)) as Error).message).toMatch(/private or reserved/);
    expect(await createHttpContactDirectory({ url: `${base}/here`, outbound: loopbackAllowed })('1', ['p1'])).toEqual(new Map([['p1', { email: 'jeanne@example.fr' }]]));
  });

  it('an alert webhook to a private address is not sent, and the log says why without the answer', async () => {
    hits.length = 0;
    const lines: string[] = [];
    const sender = createWebhookSender({ urls: [`${base}/hook`], secret: 'webhook-secret-0123456789', logger: createLogger('debug', (line) => lines.push(line)), retries: 0, outbound: { allowedHosts: [], privateNetworks: [] } });
    await sender.send({ type: 'exposure.alert', alertId: '1' });
    expect(hits).toEqual([]);
    expect(lines.join('\n')).toMatch(/refused by the outbound policy/);
    const failing = createWebhookSender({ urls: [`${base}/broken`], secret: 'webhook-secret-0123456789', logger: createLogger('debug', (line) => lines.push(line)), retries: 0, outbound: loopbackAllowed });
    await failing.send({ type: 'exposure.alert', alertId: '2' });
    expect(lines.join('\n')).not.toMatch(/SECRET|jeanne/);
  });
});
