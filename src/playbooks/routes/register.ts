import type { App } from '../../http/context.js';
import { registerGetBreachPlaybooks } from './get-breach-playbooks.js';
import { registerGetPlaybooks } from './get-playbooks.js';
import { registerGetReport } from './get-report.js';
import { registerPostRun } from './post-run.js';
import { registerPostTask } from './post-task.js';

/** Playbooks and their runs under the admin prefix (issue 19). */
export function registerPlaybooks(admin: App): void {
  registerGetPlaybooks(admin);
  registerPostRun(admin);
  registerGetBreachPlaybooks(admin);
  registerPostTask(admin);
  registerGetReport(admin);
}
