import type { Migration } from 'kysely';
import * as staffAction from './20261123180000_staff_action.js';

/**
 * Every migration, by timestamped name. A static list because bundlers and Workers have no file system
 * (design.md, convention 8). Append new migrations at the end; never rename or edit a landed one.
 */
export const migrations: Record<string, Migration> = {
  '20261123180000_staff_action': staffAction,
};
