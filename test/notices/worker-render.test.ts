import { describe, expect, it } from 'vitest';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import { freePort, startProcess, waitForOk } from '../helpers/processes.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { testSecret } from '../helpers/test-app.js';
import { pajemploiInput } from './fixtures.js';

// The real Workers runtime (workerd under wrangler dev --local): templates come from the bundled module,
// there is no file system and no database, and a draft still renders.
describe('drafts on the Workers build', () => {
  it('renders a French SMS and a CNIL draft from bundled templates', async () => {
    const port = await freePort();
    const inspector = await freePort();
    // No database: Hyperdrive pointed at a port that accepts and never answers (wrangler's local proxy exits on a refused or reset connection).
    const nowhere = await startTcpProxy({ host: '127.0.0.1', port: await freePort() });
    nowhere.hang(); // accepted, never answered: no reset reaches wrangler
    const wrangler = startProcess(
      'node',
      ['node_modules/wrangler/bin/wrangler.js', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--var', `VIGIE_JWT_SECRET:${testSecret}`],
      {
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        CI: 'true',
        NO_COLOR: '1',
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: `postgres://vigie:unused@127.0.0.1:${nowhere.port}/vigie`,
      },
    );
    try {
      await waitForOk(`http://127.0.0.1:${port}/_vigie/healthz`, 90_000, wrangler);
      const token = await mintStaffToken({ secret: testSecret, issuer: 'vigie', audience: 'vigie', rolesClaim: 'roles', subject: 'dpo', roles: ['dpo'], ttlSeconds: 600 });
      const preview = async (kind: string, channel: string) => {
        const res = await fetch(`http://127.0.0.1:${port}/_vigie/drafts/preview`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ kind, channel, lang: 'fr', input: pajemploiInput((draft) => void (draft.breach.delayReasons = 'Rejeu de l’incident de 2020.')) }),
        });
        expect(res.status).toBe(200);
        return (await res.json()) as { parts: Record<string, string>; sms: { segments: number } | null };
      };
      const sms = await preview('notice', 'sms');
      expect(sms.parts.sms).toContain('le 31/03/2020, des informations vous concernant');
      expect(sms.sms?.segments).toBeGreaterThan(0);
      const cnil = await preview('cnil-initial', 'form');
      expect(cnil.parts.form).toContain('Données de la mauvaise personne affichées sur le portail du client');
      expect(cnil.parts.form).toContain('31/03/2020 11:45 (UTC+02:00)');
    } finally {
      await wrangler.stop('SIGTERM');
      await nowhere.close();
    }
  }, 150_000);
});
