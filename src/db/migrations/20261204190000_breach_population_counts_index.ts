import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // A breach's population counts (by status and source, and the overdue ones) are read by every breach page, the
  // register document and the API's GET /breaches/{id}: from this index alone (an index-only scan of the breach's
  // entries, 184 pages for 30,000 people) rather than from every row with its notes and exposure details (1,026
  // pages). It has the key of breach_person_status_idx, which it replaces.
  await sql`create index breach_person_counts_idx on breach_person (breach_id, status) include (source, due_at)`.execute(db);
  await sql`drop index if exists breach_person_status_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists breach_person_status_idx on breach_person (breach_id, status)`.execute(db);
  await sql`drop index if exists breach_person_counts_idx`.execute(db);
}
