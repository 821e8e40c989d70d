import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Role } from '../../auth/staff-principal.js';
import type { AppEnv } from '../../http/context.js';
import { ValidationError } from '../../http/errors.js';
import type { BreachActor } from '../breach-store.js';
import { inZone } from '../view.js';

export const writeRoles: Role[] = ['dpo'];
export const readRoles: Role[] = ['dpo', 'auditor'];
/** SREs and communications staff see a reduced view: what happened and when, not the risk or the decisions. */
export const reducedRoles: Role[] = ['sre', 'comms'];

export const idParams = z.object({ id: z.string().regex(/^[1-9]\d{0,17}$/, 'must be a positive whole number').openapi({ example: '1' }) });
export const anyObject = z.record(z.string(), z.unknown()).openapi({ type: 'object' });

export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
export const jsonResponse = (description: string, schema: z.ZodType = anyObject) => ({ description, content: { 'application/json': { schema } } });

export function actorOf(c: Context<AppEnv>): BreachActor {
  const staff = c.var.staff!;
  return { subject: staff.subject, roles: staff.roles, requestId: c.var.requestId };
}

export const seesFullRecord = (c: Context<AppEnv>): boolean => c.var.staff!.roles.some((role) => readRoles.includes(role));

/** Service errors name fields of the body; the API names them as the validation hook does ("body.x"). */
export async function inBody<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => ({ ...e, path: `body.${e.path}` })));
    throw error;
  }
}

export const shown = <T>(c: Context<AppEnv>, value: T) => inZone(value, c.var.deps.config.timeZone) as Record<string, unknown>;
