import type { Generated, Selectable } from 'kysely';

/**
 * Append-only record of every maintenance toggle, kept forever (breach timelines read it). A window is
 * one 'started' event and at most one 'ended' event sharing `window_id`.
 */
export interface MaintenanceEventTable {
  id: Generated<string>;
  window_id: string;
  kind: 'started' | 'ended';
  /** When the action was taken (the injected clock's time, UTC). */
  at: Date;
  actor: string;
  actor_roles: string[];
  reason: string;
  request_id: string | null;
  /** 'started' only: */
  scope: string | null;
  read_only: boolean | null;
  starts_at: Date | null;
  planned_end: Date | null;
  retry_after_seconds: number | null;
  bypass_secret_sha256: string | null;
  /** 'started' only: what visitors read (null: the page's neutral text); the reason is never shown to them. */
  public_message: string | null;
  /** A window entered once it had happened (by `actor`, at `at`): history only, never in force. */
  recorded_after_the_fact: Generated<boolean>;
}

export type MaintenanceEventRow = Selectable<MaintenanceEventTable>;
