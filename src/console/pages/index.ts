import type { ConsolePage } from '../page.js';
import { exposurePage } from './exposure.js';
import { maintenancePage } from './maintenance.js';
import { playbooksPage } from './playbooks.js';
import { situationPage } from './situation.js';

/**
 * Every console page: one file each, one line here. Its path, roles (by the API operations it uses), title,
 * navigation entry and actions are in its own definePage({...}).
 */
export const consolePages: readonly ConsolePage[] = [situationPage, maintenancePage, exposurePage, playbooksPage];
