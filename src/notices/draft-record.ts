import type { NoticeDraftRow, NoticeDraftVersionRow } from '../db/tables/notice-draft.js';
import type { DraftKind } from './documents.js';
import type { Language } from './labels.js';

/** A draft as the API and the CLI show it. */
export interface DraftDocument {
  id: string;
  breachId: string;
  kind: DraftKind;
  channel: string;
  lang: Language;
  version: number;
  origin: 'rendered' | 'edited';
  parts: Record<string, string>;
  /** The data this version was rendered from. */
  source: unknown;
  createdAt: string;
  createdBy: string;
  approval: { version: number; at: string; by: string; reason: string | null } | null;
  /** True when the DPO approved the current version (an edit after approval needs a new approval). */
  isApproved: boolean;
  filing: { filedAt: string; reference: string; recordedBy: string | null; recordedAt: string | null } | null;
  history: { version: number; origin: 'rendered' | 'edited'; at: string; author: string; reason: string }[];
}

/** Approval pins a version: any later version is not approved. */
export const isApproved = (draft: Pick<NoticeDraftRow, 'approved_version' | 'current_version'>): boolean =>
  draft.approved_version !== null && draft.approved_version === draft.current_version;

const iso = (value: Date | string) => new Date(value).toISOString();

export function toDocument(row: NoticeDraftRow, versions: NoticeDraftVersionRow[]): DraftDocument {
  const current = versions.find((version) => version.version === row.current_version);
  if (!current) throw new Error(`draft ${row.id} has no version ${row.current_version}`);
  return {
    id: String(row.id),
    breachId: row.breach_id,
    kind: row.kind as DraftKind,
    channel: row.channel,
    lang: row.lang as Language,
    version: current.version,
    origin: current.origin,
    parts: current.parts,
    source: current.source,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
    approval:
      row.approved_version !== null && row.approved_at && row.approved_by
        ? { version: row.approved_version, at: iso(row.approved_at), by: row.approved_by, reason: row.approval_reason }
        : null,
    isApproved: isApproved(row),
    filing:
      row.filed_at && row.cnil_reference
        ? {
            filedAt: iso(row.filed_at),
            reference: row.cnil_reference,
            recordedBy: row.filed_recorded_by,
            recordedAt: row.filed_recorded_at ? iso(row.filed_recorded_at) : null,
          }
        : null,
    history: versions
      .slice()
      .sort((a, b) => a.version - b.version)
      .map((version) => ({ version: version.version, origin: version.origin, at: iso(version.at), author: version.author, reason: version.reason })),
  };
}
