import type { Selectable } from 'kysely';

/** A signed-in person's console session (src/console/session). */
export interface ConsoleSessionTable {
  id_sha256: string;
  subject: string;
  name: string | null;
  roles: string[];
  method: string;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

/** A one-time login link for development (`vigie login-link`), valid a few minutes, usable once. */
export interface ConsoleLoginLinkTable {
  token_sha256: string;
  subject: string;
  roles: string[];
  created_at: Date;
  created_by: string;
  expires_at: Date;
  used_at: Date | null;
}

export type ConsoleSessionRow = Selectable<ConsoleSessionTable>;
