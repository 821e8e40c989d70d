import { parseConfig, type Config } from '../config.js';
import { withNumberingPlan } from '../entry/numbering-plan.js';

/** The configuration from the environment, as `vigie serve` reads it (one line naming a bad variable). */
export const loadConfig = (env: NodeJS.ProcessEnv): Config => withNumberingPlan(parseConfig(env));
