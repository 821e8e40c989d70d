import type { Selectable } from 'kysely';

/** One writer's chain of batches (a process start, or a restart after a failed batch). */
export interface AuditStreamTable {
  id: string;
  started_at: Date;
  genesis_hash: string;
}

export type AuditStreamRow = Selectable<AuditStreamTable>;
