import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { draftKinds } from '../documents.js';
import type { Actor } from '../notice-deps.js';

export const reasonSchema = z.string().trim().min(3, 'say why (at least 3 characters)').max(2000);
export const draftIdParams = z.object({ draftId: z.string().regex(/^\d{1,18}$/, 'must be a draft id') });
export const kindSchema = z.enum(draftKinds);
export const partsSchema = z.record(z.string(), z.string().max(100_000));

export const draftDocumentSchema = z
  .object({
    id: z.string(),
    breachId: z.string(),
    kind: kindSchema,
    channel: z.string(),
    lang: z.enum(['fr', 'en']),
    version: z.number().int(),
    origin: z.enum(['rendered', 'edited']),
    parts: partsSchema,
    source: z.unknown(),
    createdAt: z.string(),
    createdBy: z.string(),
    approval: z.object({ version: z.number().int(), at: z.string(), by: z.string(), reason: z.string().nullable() }).nullable(),
    isApproved: z.boolean(),
    filing: z.object({ filedAt: z.string(), reference: z.string(), recordedBy: z.string().nullable(), recordedAt: z.string().nullable() }).nullable(),
    history: z.array(z.object({ version: z.number().int(), origin: z.enum(['rendered', 'edited']), at: z.string(), author: z.string(), reason: z.string() })),
  })
  .openapi('Draft');

export const previewSchema = z
  .object({
    parts: partsSchema,
    person: z.unknown(),
    sms: z
      .object({
        encoding: z.enum(['GSM-7', 'UCS-2']),
        characters: z.number().int(),
        units: z.number().int(),
        segments: z.number().int(),
        perSegment: z.number().int(),
        nonGsmCharacters: z.array(z.string()),
        warnings: z.array(z.string()),
      })
      .nullable(),
  })
  .openapi('DraftPreview');

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
export const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

export const actorOf = (c: Context<AppEnv>): Actor => ({ subject: c.var.staff!.subject, roles: c.var.staff!.roles, requestId: c.get('requestId') });
