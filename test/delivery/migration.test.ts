import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

/**
 * 20261204130000_delivery_follow_up on a database that already sent: delivered messages keep their evidence,
 * carriers are marked as reported (a receipt named them) or inferred (the old prefix table), and the alerts
 * already raised keep their kinds while e-mail's new ones become allowed.
 */
describe.each(engines())('the delivery follow-up migration on existing campaigns, on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine, { migrate: false });
    await migrateTo(t.db, '20261203030000_access_log_in_batches');
  }, 180_000);
  afterAll(async () => t.close());

  it('backfills evidence and carrier sources, and widens the alert kinds', async () => {
    const at = new Date('2026-11-24T09:00:00Z');
    await sql`insert into delivery_campaign (id, breach_id, draft_id, channel, provider, status, created_at, created_by, reason)
      values ('c1', '1', '1', 'sms', 'sms', 'completed', ${at}, 'carole', 'Art. 34')`.execute(t.db);
    await sql`insert into delivery_message (campaign_id, person_id, channel, provider, destination, carrier, body, state, next_attempt_at, queued_at, sent_at, receipt_at, delivered_at)
      values ('c1', 'p1', 'sms', 'sms', '+33607000001', 'carrier-a', 'x', 'delivered', ${at}, ${at}, ${at}, ${at}, ${at}),
             ('c1', 'p2', 'sms', 'sms', '+33607000002', 'carrier-b', 'x', 'sent', ${at}, ${at}, ${at}, null, null),
             ('c1', 'p3', 'sms', 'sms', '+4915100000', null, 'x', 'sent', ${at}, ${at}, ${at}, null, null)`.execute(t.db);
    await sql`insert into delivery_alert (campaign_id, kind, dimension, value, rate, baseline, sample, window_start, detected_at, detail)
      values ('c1', 'receipts-missing', 'segment', '(unknown)', 1, 0, 60, ${at}, ${at}, 'old')`.execute(t.db);
    await migrateToLatest(t.db);
    const rows = await t.db.selectFrom('delivery_message').select(['person_id', 'carrier_source', 'informed_at']).orderBy('person_id').execute();
    expect(rows.map((r) => [r.person_id, r.carrier_source, r.informed_at?.toISOString() ?? null])).toEqual([
      ['p1', 'provider', at.toISOString()],
      ['p2', 'numbering-plan', null],
      ['p3', null, null],
    ]);
    expect(await t.db.selectFrom('delivery_alert').select(['kind', 'carrier', 'segment', 'share']).execute()).toEqual([{ kind: 'receipts-missing', carrier: null, segment: null, share: 0 }]);
    await sql`insert into delivery_alert (campaign_id, kind, dimension, value, rate, baseline, sample, window_start, detected_at, detail)
      values ('c1', 'bounce-rate', 'campaign', 'all', 0.2, 0, 60, ${at}, ${at}, 'new')`.execute(t.db);
    await expect(sql`insert into delivery_alert (campaign_id, kind, dimension, value, rate, baseline, sample, window_start, detected_at, detail)
      values ('c1', 'made-up', 'campaign', 'all', 0.2, 0, 60, ${at}, ${at}, 'bad')`.execute(t.db)).rejects.toThrow(/delivery_alert_kind_check/);
  });
});
