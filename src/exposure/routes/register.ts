import type { AppDeps } from '../../deps.js';
import type { App } from '../../http/context.js';
import { registerAlerts } from './alerts.js';
import { registerGetReport } from './get-report.js';
import { registerPostRelations } from './post-relations.js';
import { registerAttachSnapshot, registerSnapshots } from './snapshots.js';

/** Exposure analysis: entitlements, the report, snapshots, live alerts (docs/exposure.md). */
export function registerExposure(app: App, _deps: AppDeps): void {
  registerPostRelations(app);
  registerGetReport(app);
  registerSnapshots(app);
  registerAlerts(app);
  registerAttachSnapshot(app);
}
