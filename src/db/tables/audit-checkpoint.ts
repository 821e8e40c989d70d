import type { Generated, Selectable } from 'kysely';

/** A signed statement of every stream's head at a moment (periodic, or written by prune). */
export interface AuditCheckpointTable {
  id: Generated<string>;
  at: Date;
  kind: string;
  body: string;
  signature: string;
}

export type AuditCheckpointRow = Selectable<AuditCheckpointTable>;
