import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/http/context.js';
import { defineRoute } from '../../src/http/route.js';
import { createLogger } from '../../src/logger.js';
import { testApp } from '../helpers/test-app.js';

const secretText = 'SELECT password FROM users WHERE email = jean.dupont@example.fr';

const echo = defineRoute({
  method: 'post',
  path: '/echo',
  access: { roles: ['sre'] },
  request: {
    query: z.object({ limit: z.coerce.number().int().max(100) }),
    body: { content: { 'application/json': { schema: z.object({ reason: z.string().min(3), until: z.iso.datetime() }) } } },
  },
  responses: { 200: { description: 'ok' } },
});
const boom = defineRoute({ method: 'get', path: '/boom', access: 'public', responses: { 200: { description: 'never' } } });

function appWithRoutes() {
  const lines: string[] = [];
  const built = testApp({ logger: createLogger('info', (line) => lines.push(line)) });
  const app: App = built.app;
  app.openapi(echo, (c) => c.json(c.req.valid('json'), 200));
  app.openapi(boom, () => {
    throw new Error(secretText);
  });
  return { ...built, lines };
}

const expectProblem = async (res: Response, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/at .*\.ts:\d+|SELECT|stack/i);
  return body;
};

describe('problem+json for every error', () => {
  it('400 names each invalid field and the reason', async () => {
    const { app, auth } = appWithRoutes();
    const res = await app.request('/echo?limit=500', {
      method: 'POST',
      headers: { ...(await auth(['sre'])), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x' }),
    });
    const body = await expectProblem(res, 400);
    const paths = body.errors.map((error: { path: string }) => error.path).sort();
    expect(paths).toEqual(['query.limit']);
    // query is validated first; once it is right, the body's fields are named
    const res2 = await app.request('/echo?limit=5', {
      method: 'POST',
      headers: { ...(await auth(['sre'])), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x' }),
    });
    const body2 = await expectProblem(res2, 400);
    expect(body2.errors.map((error: { path: string }) => error.path).sort()).toEqual(['body.reason', 'body.until']);
  });

  it('400 for a malformed JSON body', async () => {
    const { app, auth } = appWithRoutes();
    const res = await app.request('/echo?limit=5', {
      method: 'POST',
      headers: { ...(await auth(['sre'])), 'content-type': 'application/json' },
      body: '{"reason": ',
    });
    const body = await expectProblem(res, 400);
    expect(body.errors).toEqual([{ path: 'body', message: 'is not valid JSON' }]);
  });

  it('401 and 403', async () => {
    const { app, auth } = appWithRoutes();
    await expectProblem(await app.request('/echo?limit=1', { method: 'POST' }), 401);
    await expectProblem(await app.request('/echo?limit=1', { method: 'POST', headers: await auth(['dpo']) }), 403);
  });

  it('404 for an unknown path, 405 with Allow for a known path and another method', async () => {
    const { app } = appWithRoutes();
    await expectProblem(await app.request('/_vigie/nothing-here'), 404);
    const res = await app.request('/_vigie/healthz', { method: 'DELETE' });
    await expectProblem(res, 405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('500 hides the error and logs it with the request id, without its message', async () => {
    const { app, lines } = appWithRoutes();
    const res = await app.request('/boom', { headers: { 'x-request-id': 'req-123' } });
    const body = await expectProblem(res, 500);
    expect(body.requestId).toBe('req-123');
    expect(JSON.stringify(body)).not.toContain('jean.dupont');
    const logged = lines.map((line) => JSON.parse(line));
    const error = logged.find((line) => line.msg === 'unhandled error');
    expect(error).toMatchObject({ requestId: 'req-123', errorName: 'Error' });
    expect(lines.join('\n')).not.toContain('jean.dupont');
  });

  it('logs one JSON line per request with the route pattern and no path values or headers', async () => {
    const { app, lines, auth } = appWithRoutes();
    await app.request('/_vigie/healthz?email=jean.dupont@example.fr', { headers: { ...(await auth(['sre'])), cookie: 'sid=abc' } });
    const requests = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'GET', route: '/_vigie/healthz', status: 200 });
    expect(lines.join('\n')).not.toMatch(/jean\.dupont|Bearer|sid=abc/);
  });

  it('replaces a malformed X-Request-Id with its own', async () => {
    const { app } = appWithRoutes();
    const res = await app.request('/_vigie/healthz', { headers: { 'x-request-id': `bad id ${'x'.repeat(200)}` } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
