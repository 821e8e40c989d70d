import type { ConsolePage } from '../page.js';
import { breachDraftPage } from './breach-draft.js';
import { breachListPage } from './breach-list.js';
import { breachPage } from './breach.js';
import { campaignPage } from './campaign.js';
import { campaignListPage } from './campaign-list.js';
import { exposurePage } from './exposure.js';
import { maintenancePage } from './maintenance.js';
import { playbooksPage } from './playbooks.js';
import { situationPage } from './situation.js';

/**
 * Every console page: one file each, one line here. Its path, roles (by the API operations it uses), title,
 * navigation entry and actions are in its own definePage({...}).
 */
export const consolePages: readonly ConsolePage[] = [situationPage, maintenancePage, exposurePage, breachListPage, breachPage, breachDraftPage, campaignListPage, campaignPage, playbooksPage];
