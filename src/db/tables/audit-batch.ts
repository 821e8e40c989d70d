import type { Selectable } from 'kysely';

/** One group commit of the access log, chained to the previous batch of its stream. */
export interface AuditBatchTable {
  stream: string;
  seq: string;
  at: Date;
  row_count: number;
  row_digests: string;
  prev_hash: string;
  hash: string;
}

export type AuditBatchRow = Selectable<AuditBatchTable>;
