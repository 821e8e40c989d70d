import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../config.js';
import { numberingPlanSchema, useNumberingPlan } from '../delivery/carrier.js';

/**
 * Loads VIGIE_NUMBERING_PLAN's file (a full plan built from ARCEP's open data by
 * scripts/carrier-blocks-from-arcep.mjs) into this process, checked at start like every other setting; without
 * it the built-in plan applies. Returns the config unchanged so callers can chain it.
 */
export function withNumberingPlan(config: Config): Config {
  const file = config.delivery.numberingPlanFile;
  if (!file) return config;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'is not a readable JSON file';
    throw new ConfigError(`VIGIE_NUMBERING_PLAN: ${reason} (${file})`);
  }
  const parsed = numberingPlanSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`VIGIE_NUMBERING_PLAN: ${issue.path.join('.') || 'the file'} ${issue.message} (${file})`);
  }
  useNumberingPlan(parsed.data);
  return config;
}
