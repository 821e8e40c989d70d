/**
 * The maintenance switch, for other features and for middleware mode (a Hono app of your own):
 *   const holder = createMaintenanceHolder({ db, notifications, clock, logger, policy, coldStart, refreshIntervalMs });
 *   await holder.start();
 *   app.use('*', maintenanceGate({ holder, clock, timeZone }));
 * A server that is not Hono calls decideMaintenance(holder.state, …) and writes maintenanceResponseParts(…).
 */
export { decideMaintenance, canonicalPath, type MaintenanceDecision, type MaintenancePolicy, type MaintenanceRequest, type MaintenanceState } from './decide.js';
export { maintenanceResponseParts, renderMaintenanceResponse, type ResponseOptions, type ResponseParts } from './respond.js';
export { maintenanceGate, type MaintenanceGateOptions } from './gate.js';
export { createMaintenanceHolder, maintenancePolicyFromConfig, type MaintenanceHolder, type MaintenanceHolderOptions } from './holder.js';
export { createEdgeMaintenance, type EdgeMaintenance } from './edge-holder.js';
export { startMaintenance, endMaintenance, endAllMaintenance, systemActor, type MaintenanceActor, type StartMaintenanceInput } from './service.js';
export { recordPastMaintenance, type PastMaintenanceInput } from './record-past.js';
export { listMaintenanceWindows, type MaintenanceWindowRecord } from './list-windows.js';
export { maintenanceChannel } from './store.js';
