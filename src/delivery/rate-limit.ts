import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Takes up to `wanted` tokens from the provider's bucket (refilled at `ratePerSecond`, holding at most one
 * second's worth). The bucket row is shared by every instance and locked for the few microseconds of the
 * update, so N workers together stay under the provider's rate.
 */
export async function takeTokens(db: Db, provider: string, wanted: number, ratePerSecond: number, now: Date): Promise<number> {
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) return wanted;
  const burst = Math.max(1, ratePerSecond);
  await sql`insert into delivery_provider_bucket (provider, tokens, refilled_at) values (${provider}, ${burst}, ${now}) on conflict (provider) do nothing`.execute(db);
  const { rows } = await sql<{ granted: number }>`
    with b as (
      select provider, least(${burst}::float8, tokens + greatest(0, extract(epoch from (${now}::timestamptz - refilled_at)))::float8 * ${ratePerSecond}::float8) as available
      from delivery_provider_bucket where provider = ${provider} for update
    ), g as (select provider, available, least(floor(available), ${wanted}::float8) as granted from b)
    update delivery_provider_bucket d set tokens = g.available - g.granted, refilled_at = greatest(d.refilled_at, ${now}::timestamptz)
    from g where d.provider = g.provider
    returning g.granted`.execute(db);
  return Math.max(0, Number(rows[0]?.granted ?? 0));
}

/** Gives back tokens taken but not used (fewer messages were due than tokens granted). */
export async function returnTokens(db: Db, provider: string, count: number, ratePerSecond: number): Promise<void> {
  if (count <= 0 || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) return;
  await sql`update delivery_provider_bucket set tokens = least(${Math.max(1, ratePerSecond)}::float8, tokens + ${count}::float8) where provider = ${provider}`.execute(db);
}
