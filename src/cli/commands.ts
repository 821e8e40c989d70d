import { auditCommand } from './audit-command.js';
import { breachCommand } from './breach-command.js';
import { campaignCommand } from './campaign-command.js';
import { draftCommand } from './draft-command.js';
import { exposureCommand } from './exposure-command.js';
import { loginLinkCommand } from './login-link-command.js';
import { maintenanceCommand } from './maintenance-command.js';
import { migrateCommand } from './migrate-command.js';
import { playbookCommand } from './playbook-command.js';
import { relationsCommand } from './relations-command.js';
import { serveCommand } from './serve-command.js';
import { tokenCommand } from './token-command.js';
import type { CommandSpec } from './spec.js';

/** Every `vigie` command, in the order `vigie --help` lists them: one line each. */
export const commands: CommandSpec[] = [
  serveCommand,
  migrateCommand,
  tokenCommand,
  loginLinkCommand,
  maintenanceCommand,
  breachCommand,
  exposureCommand,
  relationsCommand,
  draftCommand,
  campaignCommand,
  playbookCommand,
  auditCommand,
];
