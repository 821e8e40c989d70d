import type { Migration } from 'kysely';
import * as staffAction from './20261123180000_staff_action.js';
import * as accessLog from './20261123200000_access_log.js';
import * as maintenanceEvent from './20261123190000_maintenance_event.js';
import * as exposure from './20261123230000_exposure.js';
import * as delivery from './20261124000000_delivery.js';
import * as exposureVerdicts from './20261202200000_exposure_verdicts.js';
import * as accessLogBatchIndex from './20261202210000_access_log_batch_index.js';
import * as accessLogInBatches from './20261203030000_access_log_in_batches.js';
import * as maintenancePublicMessage from './20261204100000_maintenance_public_message.js';
import * as accessLogPartitions from './20261204120000_access_log_partitions.js';
import * as deliveryFollowUp from './20261204130000_delivery_follow_up.js';
import * as playbookRuns from './20261204140000_playbook_runs.js';
import * as breachRegister from './20261123210000_breach_register.js';
import * as noticeDrafts from './20261123220000_notice_drafts.js';
import * as consoleSessions from './20261204090000_console_sessions.js';
import * as decisionRecommendation from './20261204110000_decision_recommendation.js';
import * as deliveryProgressIndex from './20261204172000_delivery_progress_index.js';
import * as breachPopulationCountsIndex from './20261204190000_breach_population_counts_index.js';

/**
 * Every migration, by timestamped name. A static list because bundlers and Workers have no file system
 * (docs/architecture.md, convention 8). Append new migrations at the end; never rename or edit a landed one.
 */
export const migrations: Record<string, Migration> = {
  '20261123180000_staff_action': staffAction,
  '20261123190000_maintenance_event': maintenanceEvent,
  '20261123200000_access_log': accessLog,
  '20261123210000_breach_register': breachRegister,
  '20261123220000_notice_drafts': noticeDrafts,
  '20261123230000_exposure': exposure,
  '20261124000000_delivery': delivery,
  '20261202200000_exposure_verdicts': exposureVerdicts,
  '20261202210000_access_log_batch_index': accessLogBatchIndex,
  '20261203030000_access_log_in_batches': accessLogInBatches,
  '20261204090000_console_sessions': consoleSessions,
  '20261204100000_maintenance_public_message': maintenancePublicMessage,
  '20261204110000_decision_recommendation': decisionRecommendation,
  '20261204120000_access_log_partitions': accessLogPartitions,
  '20261204130000_delivery_follow_up': deliveryFollowUp,
  '20261204140000_playbook_runs': playbookRuns,
  '20261204172000_delivery_progress_index': deliveryProgressIndex,
  '20261204190000_breach_population_counts_index': breachPopulationCountsIndex,
};
