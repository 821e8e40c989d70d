import { describe, expect, it } from 'vitest';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import { freePort, startProcess, waitForOk } from '../helpers/processes.js';

const secret = 'worker-smoke-secret-that-is-at-least-32-characters';

// The bundled playbooks in the real Workers runtime (workerd, offline): no file system there, so they must
// come from the generated module and parse with the same code as on Node.
describe('playbooks in the Workers build under wrangler dev --local', () => {
  it('lists and shows the bundled playbooks', async () => {
    const port = await freePort();
    const inspector = await freePort();
    const wrangler = startProcess(
      'node',
      ['node_modules/wrangler/bin/wrangler.js', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--var', `VIGIE_JWT_SECRET:${secret}`],
      { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', NO_COLOR: '1' },
    );
    try {
      await waitForOk(`http://127.0.0.1:${port}/_vigie/healthz`, 90_000, wrangler);
      const token = await mintStaffToken({ secret, issuer: 'vigie', audience: 'vigie', rolesClaim: 'roles', subject: 'sami', roles: ['sre'], ttlSeconds: 300, now: new Date() });
      const headers = { Authorization: `Bearer ${token}` };
      const list = await fetch(`http://127.0.0.1:${port}/_vigie/playbooks`, { headers });
      expect(list.status).toBe(200);
      const ids = ((await list.json()) as { playbooks: { id: string; origin: string }[] }).playbooks.map((p) => `${p.id}:${p.origin}`);
      expect(ids).toHaveLength(8);
      expect(ids).toContain('wrong-user-data:bundled');
      const show = await fetch(`http://127.0.0.1:${port}/_vigie/playbooks/undelivered-communication`, { headers });
      expect(((await show.json()) as { steps: { id: string }[] }).steps[0]!.id).toBe('watch-delivery');
    } finally {
      await wrangler.stop('SIGTERM');
    }
  }, 120_000);
});
