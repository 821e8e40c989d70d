import type { Generated, Selectable } from 'kysely';

/** A relation declared by the protected service: `principal` may see `subject`'s data while it is valid. */
export interface ExposureRelationTable {
  principal: string;
  subject: string;
  valid_from: Date;
  valid_to: Date | null;
  kind: string | null;
  source: string;
  updated_at: Date;
  updated_by: string;
  /** Transaction that last changed the validity (xid8 as text; verdicts.ts). */
  changed_xid: Generated<string>;
}

/** A role of a principal of the protected service; broad-access roles (configuration) see every subject. */
export interface ExposurePrincipalRoleTable {
  principal: string;
  role: string;
  valid_from: Date;
  valid_to: Date | null;
  source: string;
  updated_at: Date;
  updated_by: string;
  /** Transaction that last changed the validity (xid8 as text; verdicts.ts). */
  changed_xid: Generated<string>;
}

export type ExposureRelationRow = Selectable<ExposureRelationTable>;
