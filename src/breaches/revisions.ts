import type { Db } from '../db/database.js';
import { breachIdOf, loadBreach, type Change } from './breach-store.js';

export interface Revision {
  version: number;
  at: Date;
  actor: string;
  action: string;
  reason: string;
  changes: Change[];
}

/** Every change of a breach, oldest first: who, when, what (field, before, after), why. */
export async function listRevisions(db: Db, breachId: string): Promise<Revision[]> {
  const id = breachIdOf(breachId);
  await loadBreach(db, id);
  const rows = await db.selectFrom('breach_revision').select(['version', 'at', 'actor', 'action', 'reason', 'changes']).where('breach_id', '=', id).orderBy('version').execute();
  return rows.map((row) => ({ ...row, changes: (typeof row.changes === 'string' ? JSON.parse(row.changes) : row.changes) as Change[] }));
}
