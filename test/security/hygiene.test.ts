import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { findLeaks, usePersonalDataHygiene } from '../helpers/hygiene.js';

describe('personal-data hygiene helper', () => {
  const hygiene = usePersonalDataHygiene();

  it('finds a registered value and a bearer token, and nothing else', () => {
    expect(findLeaks(['jean.dupont@example.fr'], ['{"msg":"sent to jean.dupont@example.fr"}'])).toHaveLength(1);
    expect(findLeaks(['+33612345678'], ['{"msg":"ok"}'])).toEqual([]);
    expect(findLeaks([], ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.x'])).toHaveLength(1);
  });

  it('captures the console, the given logger and spans while a test runs', () => {
    hygiene.logger.info('delivery done', { count: 3 });
    console.warn('a warning with no personal data');
    trace.getTracer('hygiene-test').startActiveSpan('probe span', (span) => {
      span.setAttribute('vigie.route', '/x');
      span.end();
    });
    const output = hygiene.output();
    expect(output.some((line) => line.includes('delivery done'))).toBe(true);
    expect(output.some((line) => line.includes('a warning with no personal data'))).toBe(true);
    expect(findLeaks(['probe span'], [])).toEqual([]);
  });
});
