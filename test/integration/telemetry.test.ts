import { trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';

// The SDK as the Node entry sets it up (async context, W3C propagation), with spans kept in memory.
const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
let database: TestDatabase;

beforeAll(async () => {
  provider.register();
  database = await openTestDatabase('embedded');
});
afterAll(async () => {
  await database.close();
  await provider.shutdown();
  trace.disable();
});

describe('telemetry', () => {
  it('names the request span by route pattern, nests database spans beneath it, and carries no secrets', async () => {
    const { app, auth } = testApp({ db: database.db });
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await app.request('/_vigie/readyz?email=jean.dupont@example.fr', {
      headers: {
        ...(await auth(['dpo'])),
        cookie: 'session=s3cr3t',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        'x-request-id': 'req-telemetry-1',
      },
    });
    expect(res.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const server = spans.find((span) => span.name === 'GET /_vigie/readyz');
    expect(server).toBeDefined();
    expect(server!.spanContext().traceId).toBe(traceId);
    expect(server!.attributes['vigie.request_id']).toBe('req-telemetry-1');
    expect(server!.attributes['http.route']).toBe('/_vigie/readyz');
    const dbSpans = spans.filter((span) => span.name.startsWith('db '));
    expect(dbSpans.length).toBeGreaterThan(0);
    for (const span of dbSpans) expect(span.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
    const everything = JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes })));
    expect(everything).not.toMatch(/Bearer|eyJ|s3cr3t|jean\.dupont/);
  });
});
