import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** What a delivery outcome does to a person's follow-up status, never moving them backwards. */
export type DeliveryOutcome = 'delivered' | 'failed';

/**
 * Follow-up from delivery receipts, in one statement per batch (receipts arrive by thousands per second):
 * a delivered message makes an identified or to-inform person `informed`; a failed one makes an identified
 * person `to-inform` (someone must still reach them). People already further along are left as they are.
 * Every change gets its event, as changes made by hand do.
 */
export async function recordDeliveryOutcomes(db: Db, breachId: string, outcomes: { personRef: string; outcome: DeliveryOutcome }[], at: Date, actor: string): Promise<number> {
  // One outcome per person: delivered wins over failed (another message of theirs may have failed).
  const byPerson = new Map<string, DeliveryOutcome>();
  for (const { personRef, outcome } of outcomes) if (byPerson.get(personRef) !== 'delivered') byPerson.set(personRef, outcome);
  if (byPerson.size === 0) return 0;
  const rows = JSON.stringify([...byPerson].map(([person, outcome]) => ({ person, outcome })));
  const when = at.toISOString();
  const { rows: changed } = await sql<{ person_ref: string }>`
    with u as (select * from json_to_recordset(${rows}::json) as (person text, outcome text)),
    old as (
      select p.person_ref, p.status, u.outcome from breach_person p join u on u.person = p.person_ref
      where p.breach_id = ${breachId}::bigint
        and ((u.outcome = 'delivered' and p.status in ('identified', 'to-inform')) or (u.outcome = 'failed' and p.status = 'identified'))
      for update of p
    ),
    changed as (
      update breach_person p set status = case when old.outcome = 'delivered' then 'informed' else 'to-inform' end, updated_at = ${when}::timestamptz
      from old where p.breach_id = ${breachId}::bigint and p.person_ref = old.person_ref
      returning p.person_ref, old.status as from_status, p.status as to_status, old.outcome
    )
    insert into breach_person_event (breach_id, person_ref, at, actor, from_status, to_status, reason, source)
    select ${breachId}::bigint, person_ref, ${when}::timestamptz, ${actor}, from_status, to_status,
      case outcome when 'delivered' then 'message delivered' else 'message not delivered' end, 'delivery'
    from changed
    returning person_ref`.execute(db);
  return changed.length;
}
