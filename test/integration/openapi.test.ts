import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/test-app.js';

describe('OpenAPI document', () => {
  const { app } = testApp();

  it('is valid OpenAPI 3.1', async () => {
    const res = await app.request('/_vigie/openapi.json');
    expect(res.status).toBe(200);
    const document = await res.json();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('declares for every operation who may call it and its error responses', async () => {
    const document = await (await app.request('/_vigie/openapi.json')).json();
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(3);
    for (const { op } of operations) {
      expect(op['x-vigie-access']).toBeDefined();
      expect(op.responses['400']).toBeDefined();
      expect(op.responses['500']).toBeDefined();
      if (op['x-vigie-access'] === 'public') {
        expect(op.security).toEqual([]);
      } else {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op.responses['401']).toBeDefined();
        expect(op.responses['403']).toBeDefined();
      }
    }
    expect(document.paths['/_vigie/whoami'].get['x-vigie-access'].roles).toContain('auditor');
  });

  it('serves a readable, self-contained docs page', async () => {
    const res = await app.request('/_vigie/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('GET /_vigie/whoami');
    expect(page).not.toMatch(/<script[^>]+src=/);
  });

  it('moves everything under a configured admin prefix', async () => {
    const custom = testApp({ env: { VIGIE_ADMIN_PREFIX: '/ops/vigie' } });
    expect((await custom.app.request('/ops/vigie/healthz')).status).toBe(200);
    expect((await custom.app.request('/_vigie/healthz')).status).toBe(404);
    const document = await (await custom.app.request('/ops/vigie/openapi.json')).json();
    expect(Object.keys(document.paths)).toContain('/ops/vigie/readyz');
  });
});
