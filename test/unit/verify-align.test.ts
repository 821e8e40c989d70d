import { describe, expect, it } from 'vitest';
import { alignDigests } from '../../src/audit/verify.js';

const kinds = (expected: string[], actual: string[]) => alignDigests(expected, actual).issues.map(({ kind, pos }) => `${kind}@${pos}`);

describe('aligning stored records with the digests written', () => {
  const written = ['a', 'b', 'c', 'd', 'e'];

  it('finds nothing in an intact batch', () => {
    expect(kinds(written, written)).toEqual([]);
  });

  it('reports a row removed from the middle once, not the rows after it as moved', () => {
    expect(kinds(written, ['a', 'b', 'd', 'e'])).toEqual(['row-deleted@2']);
    // The rows after it are found at their written positions.
    expect([...alignDigests(written, ['a', 'b', 'd', 'e']).found]).toEqual([[0, 0], [1, 1], [3, 2], [4, 3]]);
  });

  it('reports a row added at the start once, at its stored position', () => {
    expect(kinds(written, ['x', 'a', 'b', 'c', 'd', 'e'])).toEqual(['row-inserted@0']);
  });

  it('reports a row changed in place as edited', () => {
    expect(kinds(written, ['a', 'b', 'X', 'd', 'e'])).toEqual(['row-edited@2']);
  });

  it('reports only the row that moved, and a duplicate as inserted', () => {
    expect(kinds(written, ['e', 'a', 'b', 'c', 'd'])).toEqual(['row-reordered@0']);
    expect(kinds(written, ['a', 'b', 'b', 'c', 'd', 'e'])).toEqual(['row-inserted@2']);
  });

  it('reports one of two swapped rows as moved: the other keeps its order relative to the rest', () => {
    const found = kinds(['a', 'b'], ['b', 'a']);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^row-reordered@[01]$/);
  });
});
