import type { AppDeps } from '../../deps.js';
import { listAlerts } from '../../exposure/alerts.js';
import { maxSeriesMinutes } from '../../exposure/minute-series.js';
import { parseWindow, type ExposureWindow } from '../../exposure/window.js';
import { ValidationError } from '../../http/errors.js';
import { requireDb } from '../session/sessions.js';

export interface ChosenWindow {
  window: ExposureWindow;
  /** The alert whose burst gave the window, if it came from one. */
  alertId: string | undefined;
}

const minute = 60_000;
const floorMinute = (ms: number) => Math.floor(ms / minute) * minute;
const ceilMinute = (ms: number) => Math.ceil((ms + 1) / minute) * minute;

/**
 * The window the page shows: the one typed (from, to: wall time in the zone or ISO instants), else the burst
 * of the alert named (`alert`), else of the latest alert of the last 24 hours, else the last three hours.
 * An alert's burst is widened to whole minutes, so that its first and last access fall inside.
 */
export async function chooseWindow(deps: AppDeps, query: { from?: string | undefined; to?: string | undefined; alert?: string | undefined }, now: Date): Promise<ChosenWindow> {
  const zone = deps.config.timeZone;
  if (query.from || query.to) return { window: typedWindow(query, zone), alertId: undefined };
  const alerts = await listAlerts(requireDb(deps.db), zone, query.alert ? {} : { since: new Date(now.getTime() - 24 * 3600_000) });
  const alert = query.alert ? alerts.find((one) => one.id === query.alert) : alerts[0];
  if (alert) {
    const from = new Date(floorMinute(new Date(alert.firstAt).getTime()));
    const to = new Date(ceilMinute(new Date(alert.lastAt).getTime()));
    return { window: { from, to, zone, notes: [] }, alertId: alert.id };
  }
  const to = new Date(ceilMinute(now.getTime()));
  return { window: { from: new Date(to.getTime() - 3 * 3600_000), to, zone, notes: [] }, alertId: undefined };
}

/** A window typed (or carried in a URL): from and to as wall times in the zone or ISO instants, at most 7 days. */
export function typedWindow(query: { from?: string | undefined; to?: string | undefined }, zone: string): ExposureWindow {
  const window = parseWindow({ from: query.from ?? '', to: query.to ?? '' }, zone, 'query');
  if (window.to.getTime() - window.from.getTime() > maxSeriesMinutes * minute) {
    throw new ValidationError([{ path: 'query.to', message: 'must be at most 7 days after from' }]);
  }
  return window;
}

/** A page of a list, by 1-based page number; the number is clamped to the pages there are. */
export function pageOf<T>(items: T[], requested: string | undefined, size = 50): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const wanted = Number.parseInt(requested ?? '1', 10);
  const page = Number.isFinite(wanted) ? Math.min(Math.max(1, wanted), pages) : 1;
  return { items: items.slice((page - 1) * size, page * size), page, pages };
}
