import { registerCategoriesOf, type CategoryMap } from '../breaches/category-map.js';
import type { Logger } from '../logger.js';

export interface UnknownCategories {
  /** Declared categories (one per response and category) that the map does not know, since start. */
  total: number;
  /** The same, by declared name (at most `maxNames` names; the rest under "(others)"). */
  categories: Record<string, number>;
}

export interface CategoryWatch {
  /** Called with each response's declared categories: cheap for known ones, counts and reports the others. */
  check(categories: readonly string[]): void;
  stats(): UnknownCategories;
}

const maxNames = 100;
const others = '(others)';
// A name the log may carry: a short code, not free text (a service that put a value there is not echoed).
const loggable = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const unreadable = '(not a category name)';

/**
 * Where declared categories enter Vigie (gateway and middleware alike, through buildRecord): a category the
 * map does not know is counted (GET /_vigie/audit/status) and logged once per name, so that the organisation
 * fixes its map or its service the day it happens, not the day a campaign is prepared. The record itself is
 * written as declared.
 */
export function watchDeclaredCategories(map: CategoryMap, logger: Logger): CategoryWatch {
  const counts = new Map<string, number>();
  const known = new Set<string>();
  let total = 0;
  return {
    check(categories) {
      for (const category of categories) {
        if (known.has(category)) continue;
        if (registerCategoriesOf(map, category)) {
          if (known.size < 10_000) known.add(category);
          continue;
        }
        total++;
        const name = loggable.test(category) ? category : unreadable;
        const key = counts.has(name) || counts.size < maxNames ? name : others;
        const seen = counts.get(key) ?? 0;
        counts.set(key, seen + 1);
        if (seen === 0) {
          logger.warn('declared data category not in the category map', {
            category: key,
            hint: 'add it to VIGIE_CATEGORY_MAP (docs/categories.md); until then it reaches the register as "other"',
          });
        }
      }
    },
    stats: () => ({ total, categories: Object.fromEntries(counts) }),
  };
}
