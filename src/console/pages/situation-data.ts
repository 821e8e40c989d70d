import type { AppDeps } from '../../deps.js';
import { listBreaches, type RegisterLine } from '../../breaches/get-breach.js';
import { campaignProgress, type CampaignProgress } from '../../delivery/control.js';
import { deliveryContext } from '../../delivery/wiring.js';
import { listAlerts, type AlertView } from '../../exposure/alerts.js';
import { loadCurrentWindows } from '../../maintenance/store.js';
import type { ActiveWindow } from '../../maintenance/window.js';
import { requireDb } from '../session/sessions.js';

export interface Situation {
  windows: ActiveWindow[];
  alerts: AlertView[] | undefined;
  breaches: RegisterLine[] | undefined;
  campaigns: CampaignProgress[] | undefined;
}

const underWay = ['preparing', 'ready', 'running', 'paused'] as const;

/**
 * What the situation page shows, read through the features' own service functions; each part only for those
 * whose roles may read it (undefined otherwise), so nothing is read that will not be shown.
 */
export async function readSituation(deps: AppDeps, now: Date, may: { alerts: boolean; breaches: boolean; campaigns: boolean }): Promise<Situation> {
  const db = requireDb(deps.db);
  const since = now.getTime() - 24 * 3600_000;
  const [windows, alerts, breaches, campaigns] = await Promise.all([
    loadCurrentWindows(db, now),
    may.alerts ? listAlerts(db, deps.config.timeZone, { since: new Date(since) }) : undefined,
    may.breaches ? listBreaches(db, { config: deps.config, now }).then((lines) => lines.filter((line) => line.status !== 'closed')) : undefined,
    may.campaigns
      ? db
          .selectFrom('delivery_campaign')
          .select('id')
          .where('status', 'in', underWay)
          .orderBy('created_at', 'desc')
          .limit(20)
          .execute()
          .then((rows) => Promise.all(rows.map((row) => campaignProgress(deliveryContext(deps), row.id))))
      : undefined,
  ]);
  return { windows, alerts, breaches, campaigns };
}
