import { SpanKind, trace } from '@opentelemetry/api';
import { Kysely, type Dialect, type LogEvent } from 'kysely';
import type { Database, Db } from './database.js';

const tracer = trace.getTracer('vigie.db');

/**
 * A Kysely instance over any dialect, with a span per query beneath the request's span. Spans carry the
 * SQL text (parameters are bound separately, so no values) and the duration; never parameters.
 */
export function createDb(dialect: Dialect, system: 'postgresql' | 'pglite'): Db {
  return new Kysely<Database>({
    dialect,
    log(event: LogEvent) {
      const end = Date.now();
      const span = tracer.startSpan(
        `db ${firstWord(event.query.sql)}`,
        {
          kind: SpanKind.CLIENT,
          startTime: end - event.queryDurationMillis,
          attributes: { 'db.system.name': system, 'db.query.text': event.query.sql },
        },
      );
      if (event.level === 'error') span.setStatus({ code: 2 });
      span.end(end);
    },
  });
}

const firstWord = (sql: string): string => /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'query';
