import { OpenAPIHono } from '@hono/zod-openapi';
import { registerGetWhoami } from './auth/get-whoami.js';
import type { AppDeps } from './deps.js';
import { registerGetHealthz } from './health/get-healthz.js';
import { registerGetReadyz } from './health/get-readyz.js';
import type { App, AppEnv } from './http/context.js';
import { renderDocsPage } from './http/docs-page.js';
import { ValidationError } from './http/errors.js';
import { handleError, handleNotFound } from './http/handle-errors.js';
import { limitBodies } from './http/body-guard.js';
import { observeRequests } from './telemetry/observe-requests.js';
import { registerGetMetrics } from './telemetry/get-metrics.js';
import { registerAudit } from './audit/routes/register.js';
import { proxyToUpstream } from './gateway/fetch-gateway.js';
import { registerDelivery } from './delivery/register.js';
import { registerExposure } from './exposure/routes/register.js';
import { maintenanceGate } from './maintenance/gate.js';
import { registerMaintenance } from './maintenance/register.js';
import { registerBreaches } from './breaches/routes/register.js';
import { registerNotices } from './notices/register-notices.js';
import { registerConsole } from './console/register-console.js';
import { registerPlaybooks } from './playbooks/routes/register.js';

export const apiVersion = '0.1.0';

function createRouter(): App {
  return new OpenAPIHono<AppEnv>({
    // Validation failures become one 400 problem naming every field (docs/architecture.md, convention 7).
    defaultHook: (result) => {
      if (!result.success) {
        const prefix = result.target === 'json' ? 'body' : result.target;
        throw new ValidationError(
          result.error.issues.map((issue) => ({
            path: [prefix, ...issue.path.map(String)].join('.'),
            message: issue.message,
          })),
        );
      }
    },
  });
}

/**
 * The runtime-neutral app: the Node entry, the Workers entry and the tests all build it from deps
 * (docs/architecture.md, convention 3). Everything of Vigie's own lives under the admin prefix.
 */
export function createApp(deps: AppDeps): App {
  const app = createRouter();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', observeRequests({ logger: deps.logger }));
  // Feature middleware for the protected service (outside the admin prefix) goes here, in this order:
  // maintenance switch first, then the access log / gateway.
  if (deps.maintenance) {
    app.use(
      '*',
      maintenanceGate({
        holder: deps.maintenance,
        clock: deps.clock,
        timeZone: deps.config.timeZone,
        staffTokenVerifier: deps.staffTokenVerifier,
        bypassKey: deps.config.maintenance.bypassKey,
        bypassTtlSeconds: deps.config.maintenance.bypassTtlSeconds,
      }),
    );
  }

  const admin = createRouter();
  // Before authentication and parsing: a huge body costs nothing but its headers.
  admin.use('*', limitBodies({ jsonBytes: deps.config.limits.bodyBytes, uploadBytes: deps.config.limits.uploadBytes }));
  admin.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Staff token with a `roles` claim (sre, dpo, comms, auditor, admin)',
  });
  registerGetHealthz(admin);
  registerGetReadyz(admin);
  registerGetWhoami(admin);
  registerGetMetrics(admin, deps.metrics, deps.config.metrics.networks);
  // Feature routes: one registerX(admin, deps) line per feature.
  registerAudit(admin);
  registerDelivery(admin);
  registerExposure(admin, deps);
  registerMaintenance(admin);
  registerBreaches(admin);
  registerNotices(admin);
  registerPlaybooks(admin);
  // Last: the console's pages reuse the access rules of the API routes registered above.
  registerConsole(admin);
  app.route(deps.config.adminPrefix, admin);

  const prefix = deps.config.adminPrefix;
  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Vigie',
      version: apiVersion,
      description: 'Incident and personal-data-breach response: maintenance, access log, breaches, notices.',
    },
  };
  app.doc31(`${prefix}/openapi.json`, documentConfig);
  app.get(`${prefix}/docs`, (c) =>
    c.html(renderDocsPage(app.getOpenAPI31Document(documentConfig) as never, `${prefix}/openapi.json`)),
  );

  // Gateway mode: everything outside the admin prefix goes to the origin, after the maintenance switch.
  if (deps.accessLog && deps.config.upstream) {
    app.all('*', proxyToUpstream({ upstream: deps.config.upstream, adminPrefix: prefix, accessLog: deps.accessLog, clock: deps.clock }));
  }
  app.notFound(handleNotFound(() => app.routes));
  app.onError(handleError());
  return app;
}
