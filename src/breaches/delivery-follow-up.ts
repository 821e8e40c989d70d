import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** What a channel established about a person (the register does not need to know which channel). */
export interface PersonFollowUp {
  personRef: string;
  outcome: 'informed' | 'not-informed';
  /** Why, in words kept as the reason of the change ("SMS delivery receipt", "e-mail bounced" …). */
  reason: string;
}

/** Reasons are stored, not logged; a long provider text is cut. */
const maxReason = 500;

/**
 * Follow-up from sending, in one statement per batch (receipts arrive by thousands per second):
 * - `informed` makes an identified or to-inform person `informed`;
 * - `not-informed` makes an identified person `to-inform` (someone must still reach them), and takes back an
 *   `informed` that sending itself gave (the person's last change came from delivery) — a bounce after the
 *   e-mail was taken as received. A status a person set (answered, remedied, informed by hand …) is kept.
 * Every change gets its event, with the reason, as changes made by hand do. Returns how many changed.
 */
export async function recordFollowUps(db: Db, breachId: string, followUps: PersonFollowUp[], at: Date, actor: string): Promise<number> {
  // One outcome per person and batch: informed wins (another message of theirs may have failed).
  const byPerson = new Map<string, PersonFollowUp>();
  for (const followUp of followUps) if (byPerson.get(followUp.personRef)?.outcome !== 'informed') byPerson.set(followUp.personRef, followUp);
  if (byPerson.size === 0) return 0;
  const rows = JSON.stringify([...byPerson.values()].map((f) => ({ person: f.personRef, outcome: f.outcome, reason: f.reason.slice(0, maxReason) })));
  const when = at.toISOString();
  const { rows: changed } = await sql<{ person_ref: string }>`
    with u as (select * from json_to_recordset(${rows}::json) as (person text, outcome text, reason text)),
    old as (
      select p.person_ref, p.status, u.outcome, u.reason from breach_person p join u on u.person = p.person_ref
      where p.breach_id = ${breachId}::bigint
        and ((u.outcome = 'informed' and p.status in ('identified', 'to-inform'))
          or (u.outcome = 'not-informed' and p.status = 'identified')
          or (u.outcome = 'not-informed' and p.status = 'informed' and (
            select e.source from breach_person_event e where e.breach_id = p.breach_id and e.person_ref = p.person_ref order by e.id desc limit 1
          ) = 'delivery'))
      for update of p
    ),
    changed as (
      update breach_person p set status = case when old.outcome = 'informed' then 'informed' else 'to-inform' end, updated_at = ${when}::timestamptz
      from old where p.breach_id = ${breachId}::bigint and p.person_ref = old.person_ref
      returning p.person_ref, old.status as from_status, p.status as to_status, old.reason
    )
    insert into breach_person_event (breach_id, person_ref, at, actor, from_status, to_status, reason, source)
    select ${breachId}::bigint, person_ref, ${when}::timestamptz, ${actor}, from_status, to_status, reason, 'delivery'
    from changed
    returning person_ref`.execute(db);
  return changed.length;
}
