import { describe, expect, it } from 'vitest';
import { releasePerTurn } from '../../src/entry/release-per-turn.js';

describe('releasePerTurn', () => {
  it('gives every caller of one turn the same promise, resolved once the turn ends, and a new one the next turn', async () => {
    const release = releasePerTurn();
    const order: string[] = [];
    const first = release();
    expect(release()).toBe(first);
    void first.then(() => order.push('released'));
    await Promise.resolve(); // microtasks of the same turn run before it ends
    order.push('same turn');
    await first;
    expect(order).toEqual(['same turn', 'released']);
    expect(release()).not.toBe(first);
  });
});
