import type { Due } from './playbook-schema.js';
import type { Anchors } from './situation.js';

const minute = 60_000;

/**
 * A step's due time on absolute time: its anchor plus minutes, hours or days of 24 hours, so that 72 hours
 * after Friday 16:00 CET is Monday 17:00 CEST (docs/regulation.md §1). Null while the anchor is unknown —
 * awareness not recorded yet, or the step it counts from not done.
 */
export function dueAt(due: Due | undefined, anchors: Anchors, doneAt: ReadonlyMap<string, Date>): Date | null {
  if (!due) return null;
  const base = due.from.startsWith('step:') ? (doneAt.get(due.from.slice(5)) ?? null) : anchors[due.from as keyof Anchors];
  if (!base) return null;
  const minutes = due.minutes ?? (due.hours !== undefined ? due.hours * 60 : (due.days ?? 0) * 24 * 60);
  return new Date(base.getTime() + minutes * minute);
}
