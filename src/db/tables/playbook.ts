import type { Generated, Selectable } from 'kysely';

/** A playbook started on a breach (src/playbooks); `playbook` is the playbook as it was when started. */
export interface PlaybookRunTable {
  id: Generated<string>;
  breach_id: string;
  playbook_id: string;
  playbook_version: number;
  playbook: unknown;
  origin: 'bundled' | 'organisation';
  /** A drill: no message or notification leaves for its breach (enforced by delivery's send path). */
  exercise: Generated<boolean>;
  started_at: Date;
  started_by: string;
  reason: string;
}

export interface PlaybookTaskTable {
  id: Generated<string>;
  run_id: string;
  step_id: string;
  position: number;
  owner: string;
  action: string;
  /** Absolute time; null while its anchor is unknown. */
  due_at: Date | null;
  applies: Generated<boolean>;
  appeared_at: Date;
  done_at: Date | null;
  done_by: string | null;
  done_reason: string | null;
  overdue_alerted_at: Date | null;
}

export interface PlaybookTaskEventTable {
  id: Generated<string>;
  task_id: string;
  kind: 'appeared' | 'withdrawn' | 'done' | 'undone' | 'overdue';
  at: Date;
  actor: string;
  reason: string | null;
}

export type PlaybookRunRow = Selectable<PlaybookRunTable>;
export type PlaybookTaskRow = Selectable<PlaybookTaskTable>;
