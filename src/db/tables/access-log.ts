import type { Selectable } from 'kysely';

/**
 * One audited response (docs/access-log.md): a view that expands the batches' `records`. Written only by the
 * access-log writer, in batches.
 */
export interface AccessLogTable {
  at: Date;
  stream: string;
  seq: string;
  pos: number;
  request_id: string;
  trace_id: string | null;
  principal: string | null;
  principal_kind: string;
  session_hmac: string | null;
  produced_for: string | null;
  subjects: string[];
  categories: string[];
  method: string;
  route: string;
  status: number;
  cache_status: string | null;
  client_hmac: string | null;
}

export type AccessLogRow = Selectable<AccessLogTable>;

/** The records the exposure report reads (record.ts, showsOthersData), written with their batch. */
export type AccessExposureTable = Pick<
  AccessLogTable,
  'at' | 'stream' | 'seq' | 'pos' | 'request_id' | 'principal' | 'session_hmac' | 'produced_for' | 'subjects' | 'categories' | 'route' | 'client_hmac'
>;

export type AccessExposureRow = Selectable<AccessExposureTable>;
