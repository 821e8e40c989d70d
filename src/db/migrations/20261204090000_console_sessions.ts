import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
//
// The console's sessions and one-time login links. Neither stores a secret as is: a session is found by the
// SHA-256 of its random id (the cookie carries the id, signed), a login link by the SHA-256 of its token, so
// that a copy of the database opens no session.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_session')
    .addColumn('id_sha256', 'text', (col) => col.primaryKey())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('roles', sql`text[]`, (col) => col.notNull())
    // How the person signed in: "oidc" or "login-link".
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('console_session_expires_idx').on('console_session').column('expires_at').execute();

  await db.schema
    .createTable('console_login_link')
    .addColumn('token_sha256', 'text', (col) => col.primaryKey())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('roles', sql`text[]`, (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('console_login_link').execute();
  await db.schema.dropTable('console_session').execute();
}
