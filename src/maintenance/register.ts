import type { App } from '../http/context.js';
import { registerGetBypass } from './get-bypass.js';
import { registerGetEvents } from './get-events.js';
import { registerGetState } from './get-state.js';
import { registerGetWindows } from './get-windows.js';
import { registerPostEndAll } from './post-end-all.js';
import { registerPostHistory } from './post-history.js';
import { registerPostWindowEnd } from './post-window-end.js';
import { registerPostWindow } from './post-window.js';

/** The maintenance API under the admin prefix. */
export function registerMaintenance(admin: App): void {
  registerPostWindow(admin);
  registerPostWindowEnd(admin);
  registerPostEndAll(admin);
  registerPostHistory(admin);
  registerGetWindows(admin);
  registerGetEvents(admin);
  registerGetState(admin);
  registerGetBypass(admin);
}
