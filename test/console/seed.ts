import { checkPending } from '../../src/exposure/check-pending.js';
import type { AccessRecord } from '../../src/audit/record.js';
import type { Db } from '../../src/db/database.js';
import { access, writeRecords } from '../exposure/log.js';

/**
 * An incident in the recent past, as the console's tests and screenshots show it: an hour of ordinary traffic
 * (each user reading their own record), and inside it 25 minutes where a cache served pages produced for one
 * person to another (a mix-up), 60 people exposed to 40 receivers; live detection's check then opens an alert.
 */
export async function seedIncident(db: Db, now: Date): Promise<{ from: Date; to: Date; leakFrom: Date; leakTo: Date; people: number }> {
  const from = new Date(Math.floor((now.getTime() - 90 * 60_000) / 60_000) * 60_000);
  const to = new Date(from.getTime() + 60 * 60_000);
  const leakFrom = new Date(from.getTime() + 20 * 60_000);
  const leakTo = new Date(leakFrom.getTime() + 25 * 60_000);
  const records: AccessRecord[] = [];
  for (let minute = 0; minute < 60; minute++) {
    const at = from.getTime() + minute * 60_000;
    for (let i = 0; i < 6; i++) {
      const user = `u-${(minute * 7 + i) % 300}`;
      records.push(access(new Date(at + i * 7_000), user, [user], { categories: ['identity', 'financial'] }));
    }
  }
  const people = 60;
  for (let i = 0; i < people; i++) {
    const at = leakFrom.getTime() + Math.floor((i * (leakTo.getTime() - leakFrom.getTime())) / people);
    const owner = `p-${String(1000 + i)}`;
    const receiver = `u-${500 + (i % 40)}`;
    records.push(access(new Date(at), receiver, [owner], { producedFor: owner, categories: ['identity', 'financial'], cacheStatus: 'HIT' }));
  }
  await writeRecords(db, records);
  await checkPending(db, { broadRoles: [], burstGapSeconds: 300, now: () => now });
  return { from, to, leakFrom, leakTo, people };
}
