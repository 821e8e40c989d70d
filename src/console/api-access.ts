import type { Role } from '../auth/staff-principal.js';
import type { App } from '../http/context.js';
import type { ApiRef } from './page.js';

/**
 * The roles of every API operation, read from the routes' own access rules (defineRoute puts them on the
 * OpenAPI operation as `x-vigie-access`). Built once, after every feature has registered its routes.
 */
export function collectApiAccess(admin: App): Map<string, readonly Role[] | 'public'> {
  const access = new Map<string, readonly Role[] | 'public'>();
  for (const definition of admin.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const route = definition.route as unknown as { method: string; path: string; 'x-vigie-access'?: 'public' | { roles: Role[] } };
    const rule = route['x-vigie-access'];
    if (!rule) continue;
    access.set(`${route.method.toUpperCase()} ${route.path}`, rule === 'public' ? 'public' : rule.roles);
  }
  return access;
}

/**
 * The roles allowed to use all of these operations. An operation the API does not have is a mistake in a page
 * (a renamed route): it fails at start-up, never silently opens or closes a page.
 */
export function rolesFor(access: Map<string, readonly Role[] | 'public'>, apis: readonly ApiRef[]): Set<Role> | 'public' {
  let roles: Set<Role> | 'public' = 'public';
  for (const api of apis) {
    const rule = access.get(api);
    if (!rule) throw new Error(`console: no API operation "${api}" (pages name operations as the OpenAPI document does)`);
    if (rule === 'public') continue;
    const allowed = new Set<Role>(rule);
    if (roles !== 'public') for (const role of roles) if (!allowed.has(role)) roles.delete(role);
    roles = roles === 'public' ? allowed : roles;
  }
  if (roles !== 'public' && roles.size === 0) throw new Error(`console: no role may use all of ${apis.join(', ')}`);
  return roles;
}
