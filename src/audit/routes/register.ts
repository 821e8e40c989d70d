import type { App } from '../../http/context.js';
import { registerGetRecords } from './get-records.js';
import { registerGetStatus } from './get-status.js';
import { registerGetVerify } from './get-verify.js';

/** The access-log API under the admin prefix. */
export function registerAudit(admin: App): void {
  registerGetRecords(admin);
  registerGetVerify(admin);
  registerGetStatus(admin);
}
