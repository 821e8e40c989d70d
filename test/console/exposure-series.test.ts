import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { consoleApp, signIn } from './console-app.js';
import { seedIncident } from './seed.js';

const base = '/_vigie/console';

/**
 * The exposure page renders without its chart's minute series (issue 18's 50 ms budget); the chart's script
 * reads it from exposure/series. Both answer the same roles; the JSON route answers errors as problem+json.
 */
describe.each(engines())('the exposure page and its chart data on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof consoleApp>;
  let incident: Awaited<ReturnType<typeof seedIncident>>;
  let window: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    incident = await seedIncident(database.db, new Date());
    built = consoleApp({ db: database.db });
    window = `from=${incident.from.toISOString()}&to=${incident.to.toISOString()}`;
  }, 120_000);
  afterAll(() => database?.close());

  it('renders the counts, the people and the breach form without the series; says the chart needs JavaScript', async () => {
    const dpo = await signIn(built, 'dora', ['dpo']);
    const res = await built.app.request(`${base}/exposure?${window}`, { headers: { Cookie: dpo.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`id="count-people">${incident.people}<`);
    expect(html).toContain('id="open-breach-form"');
    expect(html).toContain('id="chart-needs-script"');
    // The data block says where the series is; it does not carry it.
    const block = JSON.parse(/<script type="application\/json" id="exposure-data"[^>]*>([^<]*)<\/script>/.exec(html)![1]!) as Record<string, unknown>;
    expect(block.series).toBe(`${base}/exposure/series?from=${encodeURIComponent(incident.from.toISOString())}&to=${encodeURIComponent(incident.to.toISOString())}`);
    expect(block).not.toHaveProperty('personal');
    expect(block.first).toBe(incident.leakFrom.getTime());
  });

  it('gives the chart every minute of the window, the responses seen by someone else, and the table of busy minutes', async () => {
    for (const roles of [['dpo'], ['sre']] as const) {
      const who = await signIn(built, 'dora', [...roles]);
      const res = await built.app.request(`${base}/exposure/series?${window}`, { headers: { Cookie: who.cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { minutes: number[]; personal: number[]; others: number[]; maintenance: unknown[]; busy: { at: string; text: string; personal: number; others: number }[] };
      expect(body.minutes).toHaveLength(60);
      expect(body.minutes[0]).toBe(incident.from.getTime());
      // 6 ordinary responses a minute and the 60 mix-ups, all carrying personal data; the mix-ups seen by others.
      expect(body.personal.reduce((a, b) => a + b, 0)).toBe(6 * 60 + incident.people);
      expect(body.others.reduce((a, b) => a + b, 0)).toBe(incident.people);
      expect(body.busy).toHaveLength(60);
      expect(body.busy[0]).toMatchObject({ at: incident.from.toISOString(), personal: 6, others: 0 });
      expect(body.busy[0]!.text).toMatch(/ à \d\d:\d\d \(UTC\+0[12]:00\)$/);
      expect(body.maintenance).toEqual([]);
    }
  });

  it('answers the roles the page refuses, no session and a bad window as problem+json', async () => {
    const comms = await signIn(built, 'carole', ['comms']);
    const refused = await built.app.request(`${base}/exposure/series?${window}`, { headers: { Cookie: comms.cookie } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 403, type: 'urn:vigie:problem:forbidden' });

    const anonymous = await built.app.request(`${base}/exposure/series?${window}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');

    const dpo = await signIn(built, 'dora', ['dpo']);
    const missing = await built.app.request(`${base}/exposure/series?from=${incident.from.toISOString()}`, { headers: { Cookie: dpo.cookie } });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(((await missing.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['query.to']);
    const long = await built.app.request(`${base}/exposure/series?from=2020-03-01T00:00:00Z&to=2020-03-31T00:00:00Z`, { headers: { Cookie: dpo.cookie } });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ errors: [{ path: 'query.to', message: 'must be at most 7 days after from' }] });
  });
});
