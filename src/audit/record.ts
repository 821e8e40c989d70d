/**
 * One audited response: who received it (principal), whose personal data it carried (subjects), and how
 * it was served. The canonical form below is what the hash chain covers (docs/access-log.md).
 */
export interface AccessRecord {
  at: Date;
  requestId: string;
  traceId: string | null;
  /** The verified end user who received the response; null when anonymous or the token was not valid. */
  principal: string | null;
  principalKind: PrincipalKind;
  /** Keyed HMAC of the session cookie of an anonymous client (never the cookie itself). */
  sessionHmac: string | null;
  producedFor: string | null;
  subjects: string[];
  categories: string[];
  method: string;
  /** Path without the query string. */
  route: string;
  status: number;
  cacheStatus: string | null;
  /** Keyed HMAC of the client address (never the address itself). */
  clientHmac: string | null;
}

export type PrincipalKind = 'user' | 'anonymous' | 'invalid-token';

/** A record once committed: its place in the chain. */
export interface CommittedRecord extends AccessRecord {
  stream: string;
  seq: number;
  pos: number;
}

/**
 * The canonical form of a row: a JSON array in a fixed order, versioned. Position, batch and stream are
 * not part of it (the batch's ordered digest list fixes them), so that a row moved elsewhere is recognised
 * as moved rather than merely changed.
 */
export function canonicalRow(record: AccessRecord): string {
  return JSON.stringify([
    1,
    record.at.toISOString(),
    record.requestId,
    record.traceId,
    record.principal,
    record.principalKind,
    record.sessionHmac,
    record.producedFor,
    record.subjects,
    record.categories,
    record.method,
    record.route,
    record.status,
    record.cacheStatus,
    record.clientHmac,
  ]);
}

/** Hex characters of a row digest kept in the batch (16 bytes of SHA-256: second preimages stay out of reach). */
export const rowDigestHexLength = 32;

export function batchHashInput(batch: { stream: string; seq: number; at: Date; prevHash: string; rowDigests: string }): string {
  return `vigie-batch-v1|${batch.stream}|${batch.seq}|${batch.at.toISOString()}|${batch.prevHash}|${batch.rowDigests}`;
}

export function genesisHashInput(stream: string, startedAt: Date): string {
  return `vigie-stream-v1|${stream}|${startedAt.toISOString()}`;
}

/**
 * Whether a record shows someone other than its receiver's own data, or went to someone it was not produced
 * for: the records the exposure report reads, kept in `access_exposure` as well. The same clause as the
 * report's (exposure/report-query.ts), in Node.
 */
export function showsOthersData(record: Pick<AccessRecord, 'principal' | 'producedFor' | 'subjects'>): boolean {
  if (record.subjects.length === 0) return false;
  const own = record.principal !== null && (record.producedFor === null || record.producedFor === record.principal);
  return !(own && record.subjects.length === 1 && record.subjects[0] === record.principal);
}
