import { context, propagation, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createLogger, type Logger } from '../../src/logger.js';

/**
 * Personal-data hygiene for a test file (issue 20): while each test runs, everything written to the
 * console, stdout and stderr, every line of `hygiene.logger` (give it to the app under test instead of the
 * silent logger) and every span (an in-memory OpenTelemetry SDK, as the Node entry sets it up) is kept;
 * after the test, any value the test registered — an identifier, an e-mail address, a phone number, a token —
 * found in them fails the test, and so does anything that looks like a bearer JWT. Opt-in: call
 * `usePersonalDataHygiene()` at the top of a describe block (or file).
 */
export function usePersonalDataHygiene() {
  const values = new Set<string>();
  const captured: string[] = [];
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  const logger: Logger = createLogger('debug', (line) => captured.push(line));
  const restore: (() => void)[] = [];

  function capture<T extends object, K extends keyof T>(target: T, key: K) {
    const original = target[key] as unknown as (...args: unknown[]) => unknown;
    (target as Record<K, unknown>)[key] = function (this: unknown, ...args: unknown[]) {
      captured.push(args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Uint8Array ? Buffer.from(arg).toString() : safeJson(arg))).join(' '));
      return original.apply(this, args);
    };
    restore.push(() => ((target as Record<K, unknown>)[key] = original));
  }

  beforeAll(() => {
    provider.register();
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) capture(console, method);
    capture(process.stdout, 'write');
    capture(process.stderr, 'write');
  });
  afterAll(async () => {
    for (const undo of restore.splice(0).reverse()) undo();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  beforeEach(() => {
    values.clear();
    captured.length = 0;
    exporter.reset();
  });
  afterEach(() => {
    const spans = exporter.getFinishedSpans().map((span) =>
      safeJson({ name: span.name, attributes: span.attributes, events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })), status: span.status }),
    );
    const leaks = findLeaks(values, [...captured, ...spans]);
    if (leaks.length > 0) throw new Error(`personal data or secrets in logs or spans:\n${leaks.join('\n')}`);
  });

  return {
    /** A logger that writes into the scanned output (debug level: everything the code would log). */
    logger,
    /** Values this test uses that must never appear in logs or spans (kept until the test ends). */
    register(...items: string[]) {
      for (const item of items) if (item.length >= 4) values.add(item);
    },
    /** What was captured so far in this test (for assertions of one's own). */
    output: () => [...captured],
  };
}

/** Each registered value found in the texts, and any bearer JWT: one line per leak, for the failure message. */
export function findLeaks(values: Iterable<string>, haystacks: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const value of values) {
    const where = haystacks.find((text) => text.includes(value));
    if (where !== undefined) leaks.push(`${JSON.stringify(value)} in ${JSON.stringify(where.slice(0, 200))}`);
  }
  const jwt = haystacks.find((text) => /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/.test(text));
  if (jwt !== undefined) leaks.push(`a bearer token in ${JSON.stringify(jwt.slice(0, 200))}`);
  return leaks;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
