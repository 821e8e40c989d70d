import type { AnomalyRule } from './channels.js';

/** One carrier × segment cell of a campaign, for one kind of anomaly. */
export interface Cell {
  carrier: string;
  segment: string;
  /** Messages the kind counts over the window (e.g. with a final outcome), and those that went wrong. */
  sample: number;
  hits: number;
  /** All the campaign's messages in the cell, and those whose carrier was inferred from the numbering plan. */
  total: number;
  inferred: number;
}

/** A slice of the campaign: one carrier, one segment, both, or (both null) the whole campaign. */
export interface Slice {
  carrier: string | null;
  segment: string | null;
}

export interface Finding extends Slice {
  sample: number;
  hits: number;
  rate: number;
  /** What it is compared with: the rest of the campaign, or past campaigns for the whole campaign. */
  baseline: number;
  against: 'rest' | 'history';
  /** Messages of the slice in the campaign, those with an inferred carrier, and the campaign's total. */
  total: number;
  inferred: number;
  campaignTotal: number;
  /** For a campaign-wide finding made after slices were found: the slices it leaves out. */
  excluding: Slice[];
}

interface Sum {
  sample: number;
  hits: number;
  total: number;
  inferred: number;
}

const sum = (cells: Cell[]): Sum =>
  cells.reduce((acc, c) => ({ sample: acc.sample + c.sample, hits: acc.hits + c.hits, total: acc.total + c.total, inferred: acc.inferred + c.inferred }), { sample: 0, hits: 0, total: 0, inferred: 0 });
const rateOf = (s: Sum) => (s.sample === 0 ? 0 : s.hits / s.sample);
export const contains = (outer: Slice, cell: Slice) => (outer.carrier === null || outer.carrier === cell.carrier) && (outer.segment === null || outer.segment === cell.segment);
const key = (s: Slice) => `${s.carrier ?? '*'}\u0000${s.segment ?? '*'}`;

/**
 * The anomalies of one kind in a campaign, each once, on the most specific slice that explains it.
 *
 * 1. A carrier or a segment stands out when its rate is far above the rest of the campaign's (the rule's
 *    minSample, minRate, minRatio, minExcess). A dimension with one value (every person in segment
 *    "(unknown)") says nothing the campaign does not, and is not looked at.
 * 2. A slice is narrowed to one carrier × segment cell when that cell stands out and the rest of the slice
 *    is normal — compared with the campaign's normal part.
 * 3. Slices are taken largest first; one is kept only if what the kept ones do not already cover still
 *    stands out. A failing carrier is one alert, not also "the segments its people are in". Then the
 *    search runs again on what the kept slices leave, for a smaller failure beside a large one.
 * 4. What is left of the campaign is compared with past campaigns (`history`): a rise everywhere (a
 *    provider down) is one campaign-wide alert — once it is seen everywhere, not while slices are too
 *    small to say where it is.
 */
export function findAnomalies(cells: Cell[], rule: AnomalyRule, history: number | undefined): Finding[] {
  const high = (s: Sum, baseline: number) => {
    const rate = rateOf(s);
    return rate >= rule.minRate && rate >= baseline * rule.minRatio && rate - baseline >= rule.minExcess;
  };
  const stands = (s: Sum, baseline: number) => s.sample >= rule.minSample && high(s, baseline);
  const inside = (slice: Slice) => cells.filter((c) => contains(slice, c));
  const outside = (slices: Slice[]) => cells.filter((c) => !slices.some((s) => contains(s, c)));
  const campaignTotal = sum(cells).total;
  const finding = (slice: Slice, s: Sum, baseline: number, against: Finding['against'], excluding: Slice[] = []): Finding => ({
    ...slice, sample: s.sample, hits: s.hits, rate: rateOf(s), baseline, against, total: s.total, inferred: s.inferred, campaignTotal, excluding,
  });

  const carriers = [...new Set(cells.map((c) => c.carrier))];
  const segments = [...new Set(cells.map((c) => c.segment))];
  const dimensions = (s: Slice) => (s.carrier === null ? 0 : 1) + (s.segment === null ? 0 : 1);
  const kept: Slice[] = [];
  // Rounds: a large failure hides a smaller one beside it (Free at 50 % makes Orange's 30 % look ordinary
  // next to the rest); each round looks again at what the slices kept so far leave.
  for (let round = 0; round < 5; round++) {
    const pool = outside(kept);
    const restOf = (slice: Slice) => sum(pool.filter((c) => !contains(slice, c)));
    const candidates: Slice[] = [
      ...(carriers.length > 1 ? carriers.map((carrier) => ({ carrier, segment: null })) : []),
      ...(segments.length > 1 ? segments.map((segment) => ({ carrier: null, segment })) : []),
    ].filter((slice) => {
      const rest = restOf(slice);
      return rest.sample >= rule.minSample && stands(sum(pool.filter((c) => contains(slice, c))), rateOf(rest));
    });
    if (candidates.length === 0) break;
    const normal = sum(pool.filter((c) => !candidates.some((s) => contains(s, c))));
    const baseline = normal.sample >= rule.minSample ? rateOf(normal) : (history ?? 0);
    const narrowed = candidates.map((slice): Slice => {
      if (carriers.length < 2 || segments.length < 2) return slice;
      const cellsOf = slice.carrier === null ? carriers.map((carrier) => ({ carrier, segment: slice.segment })) : segments.map((segment) => ({ carrier: slice.carrier, segment }));
      for (const cell of cellsOf) {
        const rest = sum(pool.filter((c) => contains(slice, c) && !contains(cell, c)));
        // A cell holding all of the slice's messages says nothing more than the slice: keep the shorter name.
        if (rest.total === 0) return slice;
        if (stands(sum(pool.filter((c) => contains(cell, c))), baseline) && (rest.sample === 0 || !high(rest, baseline))) return cell;
      }
      return slice;
    });
    const hitsOf = (s: Slice) => sum(pool.filter((c) => contains(s, c))).hits;
    const byHits = [...new Map(narrowed.map((s) => [key(s), s])).values()].sort((a, b) => hitsOf(b) - hitsOf(a) || dimensions(a) - dimensions(b));
    const before = kept.length;
    for (const slice of byHits) {
      if (stands(sum(outside(kept).filter((c) => contains(slice, c))), baseline)) kept.push(slice);
    }
    if (kept.length === before) break;
  }
  const normal = sum(outside(kept));
  const baseline = normal.sample >= rule.minSample ? rateOf(normal) : (history ?? 0);
  const found = kept.map((slice) => finding(slice, sum(inside(slice)), baseline, 'rest'));

  // Campaign-wide only once it is seen to be spread: in each dimension with several values, the values with
  // enough messages to judge hold at least half of them and are all high. Early in a campaign, 40 refusals
  // in one segment and 40 acceptances in the other are not yet "everywhere".
  const left = outside(kept);
  const rest = sum(left);
  const past = history ?? 0;
  const spread = (['carrier', 'segment'] as const).every((dimension) => {
    const values = [...new Set(left.map((c) => c[dimension]))];
    if (values.length < 2) return true;
    const judged = values.map((value) => sum(left.filter((c) => c[dimension] === value))).filter((s) => s.sample >= rule.minSample);
    return judged.reduce((n, s) => n + s.sample, 0) * 2 >= rest.sample && judged.every((s) => high(s, past));
  });
  if (stands(rest, past) && spread) found.push(finding({ carrier: null, segment: null }, rest, past, 'history', kept));
  return found;
}
