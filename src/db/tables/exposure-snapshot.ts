import type { Generated, Selectable } from 'kysely';

/** A saved exposure report: immutable (the database refuses updates and deletes). */
export interface ExposureSnapshotTable {
  id: Generated<string>;
  name: string;
  created_at: Date;
  created_by: string;
  reason: string;
  window_from: Date;
  window_to: Date;
  query: string;
  checkpoint: string;
  report: string;
}

export type ExposureSnapshotRow = Selectable<ExposureSnapshotTable>;
