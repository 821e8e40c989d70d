import type { Kysely } from 'kysely';
import type { StaffActionTable } from './tables/staff-action.js';
import type { AccessExposureTable, AccessLogTable } from './tables/access-log.js';
import type { AuditBatchTable } from './tables/audit-batch.js';
import type { AuditCheckpointTable } from './tables/audit-checkpoint.js';
import type { AuditStreamTable } from './tables/audit-stream.js';
import type { MaintenanceEventTable } from './tables/maintenance-event.js';
import type { ExposureAlertAccessTable, ExposureAlertTable, ExposureCheckMarkTable } from './tables/exposure-alert.js';
import type { ExposurePrincipalRoleTable, ExposureRelationTable } from './tables/exposure-relation.js';
import type { ExposureSnapshotTable } from './tables/exposure-snapshot.js';
import type { DeliveryAlertTable } from './tables/delivery-alert.js';
import type { DeliveryEarlyReportTable } from './tables/delivery-early-report.js';
import type { DeliveryCampaignTable } from './tables/delivery-campaign.js';
import type { DeliveryMessageTable } from './tables/delivery-message.js';
import type { DeliveryProviderBucketTable } from './tables/delivery-provider-bucket.js';
import type { BreachAssessmentTable, BreachDecisionTable, BreachEventTable, BreachFilingTable, BreachRevisionTable, BreachTable } from './tables/breach.js';
import type { BreachPersonEventTable, BreachPersonTable } from './tables/breach-person.js';
import type { NoticeDraftTable, NoticeDraftVersionTable } from './tables/notice-draft.js';
import type { ConsoleLoginLinkTable, ConsoleSessionTable } from './tables/console-session.js';
import type { PlaybookRunTable, PlaybookTaskEventTable, PlaybookTaskTable } from './tables/playbook.js';

/** One type file per table, combined here (docs/architecture.md, convention 8). */
export interface Database {
  staff_action: StaffActionTable;
  /** A view: the batches' records, expanded. */
  access_log: AccessLogTable;
  access_exposure: AccessExposureTable;
  audit_batch: AuditBatchTable;
  audit_stream: AuditStreamTable;
  audit_checkpoint: AuditCheckpointTable;
  maintenance_event: MaintenanceEventTable;
  exposure_relation: ExposureRelationTable;
  exposure_principal_role: ExposurePrincipalRoleTable;
  exposure_snapshot: ExposureSnapshotTable;
  exposure_alert: ExposureAlertTable;
  exposure_alert_access: ExposureAlertAccessTable;
  exposure_check_mark: ExposureCheckMarkTable;
  delivery_campaign: DeliveryCampaignTable;
  delivery_message: DeliveryMessageTable;
  delivery_provider_bucket: DeliveryProviderBucketTable;
  delivery_alert: DeliveryAlertTable;
  delivery_early_report: DeliveryEarlyReportTable;
  breach: BreachTable;
  breach_revision: BreachRevisionTable;
  breach_event: BreachEventTable;
  breach_assessment: BreachAssessmentTable;
  breach_decision: BreachDecisionTable;
  breach_filing: BreachFilingTable;
  breach_person: BreachPersonTable;
  breach_person_event: BreachPersonEventTable;
  notice_draft: NoticeDraftTable;
  notice_draft_version: NoticeDraftVersionTable;
  console_session: ConsoleSessionTable;
  console_login_link: ConsoleLoginLinkTable;
  playbook_run: PlaybookRunTable;
  playbook_task: PlaybookTaskTable;
  playbook_task_event: PlaybookTaskEventTable;
}

export type Db = Kysely<Database>;
