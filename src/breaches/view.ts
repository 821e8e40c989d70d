import { isoInZone } from '../time/zoned.js';

/**
 * Every Date of a value shown as ISO 8601 with the organisation's offset ("2020-03-31T11:45:00+02:00"),
 * and stored ISO strings of facts too: what the API and the JSON export give.
 */
export function inZone<T>(value: T, zone: string): unknown {
  if (value instanceof Date) return isoInZone(value, zone);
  if (typeof value === 'string' && isoUtc.test(value)) return isoInZone(new Date(value), zone);
  if (Array.isArray(value)) return value.map((item) => inZone(item, zone));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inZone(item, zone)]));
  }
  return value;
}

const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
