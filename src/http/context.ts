import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import type { StaffPrincipal } from '../auth/staff-principal.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    staff: StaffPrincipal | undefined;
  };
}

export type App = OpenAPIHono<AppEnv>;
