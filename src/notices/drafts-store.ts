import type { Db } from '../db/database.js';
import type { NoticeDraftRow, NoticeDraftVersionRow } from '../db/tables/notice-draft.js';

type Executor = Pick<Db, 'selectFrom' | 'insertInto' | 'updateTable'>;

export async function findDraft(db: Executor, id: string): Promise<NoticeDraftRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  return db.selectFrom('notice_draft').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The same row, locked for the rest of the transaction: versions are numbered one after another. */
export async function lockDraft(db: Executor, id: string): Promise<NoticeDraftRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  return db.selectFrom('notice_draft').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listVersions(db: Executor, draftId: string): Promise<NoticeDraftVersionRow[]> {
  return db.selectFrom('notice_draft_version').selectAll().where('draft_id', '=', draftId).orderBy('version').execute();
}

export async function findVersion(db: Executor, draftId: string, version: number): Promise<NoticeDraftVersionRow | undefined> {
  return db.selectFrom('notice_draft_version').selectAll().where('draft_id', '=', draftId).where('version', '=', version).executeTakeFirst();
}

export async function insertVersion(db: Executor, row: NoticeDraftVersionRow): Promise<void> {
  await db
    .insertInto('notice_draft_version')
    .values({ ...row, parts: JSON.stringify(row.parts) as never, source: JSON.stringify(row.source) as never })
    .execute();
}

export async function listDraftsOfBreach(db: Executor, breachId: string): Promise<NoticeDraftRow[]> {
  return db.selectFrom('notice_draft').selectAll().where('breach_id', '=', breachId).orderBy('id').execute();
}
