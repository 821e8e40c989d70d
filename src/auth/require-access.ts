import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthorizedError } from '../http/errors.js';
import type { AppEnv } from '../http/context.js';
import type { Role } from './staff-principal.js';

/** Who may call a route. Every route declares one; there is no default (deny by default). */
export type Access = { roles: readonly Role[] } | 'public';

const bearer = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i;

export function requireAccess(access: Access): MiddlewareHandler<AppEnv> {
  if (access !== 'public' && access.roles.length === 0) throw new Error('requireAccess: roles must not be empty');
  if (access === 'public') {
    return async function publicAccess(_c, next) {
      await next();
    };
  }
  const allowed = new Set<Role>(access.roles);
  return async function roleAccess(c, next) {
    const header = c.req.header('authorization');
    if (!header) throw new UnauthorizedError('A bearer token is required');
    const token = bearer.exec(header)?.[1];
    if (!token) throw new UnauthorizedError('The Authorization header must be "Bearer <token>"');
    const verifier = c.var.deps.staffTokenVerifier;
    if (!verifier) throw new UnauthorizedError('No token verification key is configured on this server');
    const staff = await verifier.verify(token);
    if (!staff.roles.some((role) => allowed.has(role))) {
      throw new ForbiddenError(`This action needs one of the roles: ${[...allowed].join(', ')}`);
    }
    c.set('staff', staff);
    await next();
  };
}
