import { describe, expect, it } from 'vitest';
import { coversBreach, describeEntry } from '../../src/breaches/timeline-labels.js';

describe('the breach’s own maintenance windows', () => {
  it('a site-wide window, or one covering one of the breach’s paths; not another part of the service', () => {
    expect(coversBreach('site', [])).toBe(true);
    expect(coversBreach('/compte', [])).toBe(false);
    expect(coversBreach('/compte', ['/declarations'])).toBe(false);
    expect(coversBreach('/declarations/*', ['/declarations'])).toBe(true);
    expect(coversBreach('/declarations', ['/declarations/mensuelles'])).toBe(true);
    expect(coversBreach('/declarations/mensuelles', ['/declarations'])).toBe(true);
    expect(coversBreach('/declarationsX', ['/declarations'])).toBe(false);
  });
});

describe('timeline entries Vigie writes are described in the reader’s language', () => {
  it('maintenance, filings and decisions, from codes', () => {
    const maintenance = { summary: '', label: { key: 'maintenanceReadOnly', params: { scope: '/espace', reason: 'Lecture seule' } } };
    expect(describeEntry(maintenance, 'fr')).toBe('Mise en lecture seule (/espace) : Lecture seule');
    expect(describeEntry(maintenance, 'en')).toBe('Read-only maintenance (/espace): Lecture seule');
    const filing = { summary: '', label: { key: 'filing', params: { regime: 'nis2', step: 'early-warning', kind: 'initial' } } };
    expect(describeEntry(filing, 'fr')).toBe('Alerte précoce déposée (notification initiale)');
    const decision = { summary: '', label: { key: 'decision', params: { authority: 'not-notify', people: 'undetermined' } } };
    expect(describeEntry(decision, 'en')).toBe("The DPO's decision: Do not notify the CNIL; Information of the people not determined");
    expect(describeEntry({ summary: 'Comptes révoqués' }, 'en')).toBe('Comptes révoqués');
  });
});
