import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import { requireAccess, type Access } from '../auth/require-access.js';
import { checkJsonBody } from './body-guard.js';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

/**
 * A route with its access rule. `access` is required: a route without a declared role requirement does
 * not exist (deny by default). The rule becomes the route's first middleware, its OpenAPI `security`, the
 * `x-vigie-access` extension, and its 401/403 responses; every route documents 400 and 500 too.
 */
export function defineRoute<R extends Omit<RouteConfig, 'security' | 'middleware'>>(config: R & { access: Access }) {
  const { access, ...rest } = config;
  if (!access) throw new Error(`route ${config.method.toUpperCase()} ${config.path} has no access rule`);
  const isPublic = access === 'public';
  // Routes that take JSON refuse malformed JSON, unknown top-level fields and unsafe strings, by path.
  const jsonSchema = (rest.request?.body?.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema as
    | { shape?: Record<string, unknown> }
    | undefined;
  const middleware = jsonSchema
    ? [requireAccess(access), checkJsonBody(jsonSchema.shape ? new Set(Object.keys(jsonSchema.shape)) : undefined)]
    : [requireAccess(access)];
  return createRoute({
    ...rest,
    middleware: middleware as never,
    security: isPublic ? [] : [{ bearer: [] }],
    'x-vigie-access': isPublic ? 'public' : { roles: [...access.roles] },
    responses: {
      ...rest.responses,
      400: problem('Invalid request: `errors` names each field and the reason'),
      ...(isPublic ? {} : { 401: problem('Missing, invalid or expired token'), 403: problem('The token lacks the role') }),
      500: problem('Unexpected error (logged with the request id)'),
    },
  } as unknown as R & Pick<RouteConfig, 'middleware' | 'security'>);
}
