import type { AccessLogRow } from '../db/tables/access-log.js';
import type { AccessRecord, PrincipalKind } from './record.js';

/** A stored row back into the record it was written from (what the canonical form is computed over). */
export function recordFromRow(row: AccessLogRow): AccessRecord {
  return {
    at: new Date(row.at),
    requestId: row.request_id,
    traceId: row.trace_id,
    principal: row.principal,
    principalKind: row.principal_kind as PrincipalKind,
    sessionHmac: row.session_hmac,
    producedFor: row.produced_for,
    subjects: row.subjects,
    categories: row.categories,
    method: row.method,
    route: row.route,
    status: Number(row.status),
    cacheStatus: row.cache_status,
    clientHmac: row.client_hmac,
  };
}
