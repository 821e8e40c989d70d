import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../../deps.js';
import type { Db } from '../../db/database.js';
import { UnavailableError } from '../../http/errors.js';

export function requireDb(deps: AppDeps): Db {
  if (!deps.db) throw new UnavailableError('No database is bound to this instance');
  return deps.db;
}

const seen = {
  firstAt: z.string().openapi({ example: '2020-03-31T11:52:10+02:00' }),
  lastAt: z.string(),
  times: z.number().int(),
  categories: z.array(z.string()),
  reasons: z.array(z.string()).openapi({ description: 'mix-up (produced for someone else), anonymous, not-entitled' }),
};

export const reportSchema = z
  .object({
    window: z.object({ from: z.string(), to: z.string(), fromUtc: z.string(), toUtc: z.string(), zone: z.string(), notes: z.array(z.string()) }),
    generatedAt: z.string(),
    covers: z.object({
      heads: z.record(z.string(), z.object({ seq: z.number(), hash: z.string() })),
      latestCheckpoint: z.object({ id: z.string(), at: z.string() }).nullable(),
    }),
    totals: z.object({
      peopleExposed: z.number().int(),
      receivers: z.number().int(),
      responses: z.number().int(),
      accesses: z.number().int(),
      byCategory: z.array(z.object({ category: z.string(), responses: z.number().int(), people: z.number().int() })),
    }),
    byPerson: z.array(z.object({ subject: z.string(), ...seen, receivers: z.array(z.object({ receiver: z.string(), ...seen })) })),
    byReceiver: z.array(z.object({ receiver: z.string(), ...seen, subjects: z.array(z.object({ subject: z.string(), ...seen })) })),
  })
  .openapi('ExposureReport');

export const windowQuery = {
  from: z.string().openapi({ description: 'Start, "YYYY-MM-DD HH:MM" in the zone, or an ISO instant', example: '2020-03-31 11:45' }),
  to: z.string().openapi({ description: 'End (excluded), same forms', example: '2020-03-31 15:15' }),
  zone: z.string().optional().openapi({ description: 'IANA zone for local times (default: VIGIE_TIMEZONE)', example: 'Europe/Paris' }),
};

export const reasonField = z.string().trim().min(1, 'is required').max(2000);
