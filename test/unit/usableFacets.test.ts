import { describe, expect, it } from 'vitest';
import { round2 } from '../../src/explain/explainReport.js';
import { usableFacets } from '../../src/explain/usableFacets.js';
import { scorePair } from '../../src/engine/scorePair.js';
import { formatDims, packVectors } from '../../src/vectors/packedVectors.js';

const pack = (facets: (number[] | null)[]) => {
  const p = packVectors(facets.map((v) => (v ? Float32Array.from(v) : null)));
  return { dims: formatDims(p.dims), blob: p.blob };
};

describe('usable facets (as the match reader takes a stored embedding)', () => {
  it('normalises usable facets and names the others with why', () => {
    const e = pack([[3, 4], [0, 0], [1, 2, 3], null, [5, 0], null]);
    const u = usableFacets(e.dims, e.blob, [2, 2, 2, 0, 2, 0]);
    expect(u.mask).toBe(0b10001);
    expect(Array.from(u.facets[0])).toEqual([0.6, 0.8].map(Math.fround));
    expect(u.unusable).toEqual([
      { facet: 'skills', why: 'invalid_vector' },
      { facet: 'growth', why: 'wrong_dim', stored: 3, run: 2 },
    ]);
  });

  it('reports a blob that does not match its facet_dims as unreadable', () => {
    const e = pack([[1, 0], null, null, null, null, null]);
    expect(usableFacets('2,2,0,0,0,0', e.blob, [2, 2, 0, 0, 0, 0])).toMatchObject({ mask: 0, unreadable: true });
    expect(usableFacets('nonsense', e.blob, [2, 2, 0, 0, 0, 0]).unreadable).toBe(true);
  });

  it('scores like the app: weighted mean cosine over shared facets, rounded half away from zero', () => {
    const t = pack([[1, 0], [0, 1], null, null, null, null]);
    const j = pack([[1, 0], [1, 0], [1, 0], null, null, null]);
    const dims = [2, 2, 2, 0, 0, 0];
    const a = usableFacets(t.dims, t.blob, dims);
    const b = usableFacets(j.dims, j.blob, dims);
    const s = scorePair(a, b, [3, 1, 1, 1, 1, 1], dims)!;
    // (3·1 + 1·0) / 4 = 0.75 -> 87.5; roles 100, skills 50, growth not shared.
    expect(round2(s.total)).toBe(87.5);
    expect(s.facetScores.slice(0, 3)).toEqual([100, 50, NaN]);
    expect(round2(0.285 * 100)).toBe(28.5);
    expect(round2(12.345)).toBe(12.35);
  });
});
