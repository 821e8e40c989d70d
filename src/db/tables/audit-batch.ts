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
  /** The JSON array of the batch's canonical rows (record.ts), in position order. */
  records: string;
  /** The earliest and latest of its records' times: window reads find batches by them. */
  first_record_at: Date;
  last_record_at: Date;
  /** The distinct data subjects of its records (GIN index): a person's records are found without reading the log. */
  subjects: string[];
}

export type AuditBatchRow = Selectable<AuditBatchTable>;
