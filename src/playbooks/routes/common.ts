import type { Role } from '../../auth/staff-principal.js';

/** Everyone in an incident reads the playbooks and the tasks; starting one is the DPO's or the SRE's first move. */
export const readRoles: Role[] = ['dpo', 'auditor', 'sre', 'comms', 'admin'];
export const startRoles: Role[] = ['dpo', 'sre', 'admin'];
/** Who may mark a task done; the service then checks the task's owner role (or DPO, admin). */
export const taskRoles: Role[] = ['dpo', 'sre', 'comms', 'admin'];
