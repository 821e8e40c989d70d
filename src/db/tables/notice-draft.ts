import type { Generated, Selectable } from 'kysely';

export interface NoticeDraftTable {
  id: Generated<string>;
  breach_id: string;
  kind: string;
  channel: string;
  lang: string;
  current_version: number;
  created_at: Date;
  created_by: string;
  approved_version: number | null;
  approved_at: Date | null;
  approved_by: string | null;
  approval_reason: string | null;
  filed_at: Date | null;
  cnil_reference: string | null;
  filed_recorded_by: string | null;
  filed_recorded_at: Date | null;
}

export interface NoticeDraftVersionTable {
  draft_id: string;
  version: number;
  origin: 'rendered' | 'edited';
  parts: Record<string, string>;
  source: unknown;
  at: Date;
  author: string;
  reason: string;
}

export type NoticeDraftRow = Selectable<NoticeDraftTable>;
export type NoticeDraftVersionRow = Selectable<NoticeDraftVersionTable>;
