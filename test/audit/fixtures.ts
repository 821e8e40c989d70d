import type { AccessRecord } from '../../src/audit/record.js';

let counter = 0;

/** A plausible audited response; fields can be overridden. */
export function sampleRecord(overrides: Partial<AccessRecord> = {}): AccessRecord {
  counter++;
  return {
    at: new Date(Date.UTC(2026, 10, 23, 12, 0, 0, counter % 1000)),
    requestId: `req-${counter}`,
    traceId: null,
    principal: `user-${counter % 7}`,
    principalKind: 'user',
    sessionHmac: null,
    producedFor: `user-${counter % 7}`,
    subjects: [`subject-${counter}`, `subject-${counter + 1}`],
    categories: ['identity', 'contact'],
    method: 'GET',
    route: `/accounts/${counter}`,
    status: 200,
    cacheStatus: null,
    clientHmac: 'c0ffee',
    ...overrides,
  };
}
