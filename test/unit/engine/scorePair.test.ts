import { describe, expect, it } from 'vitest';
import { scorePair, combineFacetCosines } from '../../../src/engine/scorePair.js';
import { referenceTopK } from '../../helpers/referenceTopK.js';
import { engineResults } from '../../helpers/engineResults.js';
import { MatchEngine } from '../../../src/engine/MatchEngine.js';
import type { EmbeddingBlock } from '../../../src/engine/types.js';

const dims = [2, 2, 2, 2, 2, 2];
const ALL = 0b111111;

/** Entity whose facet f vector is vecs[f] (missing when undefined). */
function entity(vecs: (number[] | undefined)[]) {
  let mask = 0;
  const facets = dims.map((d, f) => {
    if (vecs[f]) mask |= 1 << f;
    return Float32Array.from(vecs[f] ?? [0, 0]);
  });
  return { facets, mask };
}

function block(ids: number[], rows: ReturnType<typeof entity>[]): EmbeddingBlock {
  return {
    rows: ids.length,
    ids: Float64Array.from(ids),
    mask: Uint8Array.from(rows, (r) => r.mask),
    facets: dims.map((d, f) => Float32Array.from(rows.flatMap((r) => [...r.facets[f]]))),
  };
}

const X = [1, 0], Y = [0, 1], NEG_Y = [0, -1], D = [0.6, 0.8];

describe('scorePair', () => {
  it('weighted mean over shared facets, negative cosines included', () => {
    const t = entity([X, Y]);
    const j = entity([D, NEG_Y]);
    const s = scorePair(t, j, [2, 1, 1, 1, 1, 1], dims)!;
    // (2*0.6 + 1*(-1)) / 3 = 0.0666...
    expect(s.mean).toBeCloseTo(0.2 / 3, 4);
    expect(s.total).toBeCloseTo((0.2 / 3 + 1) * 50, 4);
    expect(s.facetScores.slice(0, 2).map((x) => +x.toFixed(4))).toEqual([80, 0]);
    expect(s.facetScores.slice(2).every(Number.isNaN)).toBe(true);
  });

  it('ignores facets missing on either side', () => {
    const t = entity([X, Y, X]);
    const j = entity([D, undefined, NEG_Y.map((v) => -v)]);
    const s = scorePair(t, j, [1, 5, 1, 1, 1, 1], dims)!;
    // roles 0.6, growth 0 -> mean 0.3
    expect(s.mean).toBeCloseTo(0.3, 4);
    expect(s.total).toBeCloseTo(65, 4);
    expect(s.facetScores[1]).toBeNaN();
    expect(s.facetScores[2]).toBeCloseTo(50, 4);
  });

  it('zero-weight facets get a facet score but do not count in the mean', () => {
    const t = entity([X, Y]);
    const j = entity([D, NEG_Y]);
    const s = scorePair(t, j, [1, 0, 1, 1, 1, 1], dims)!;
    expect(s.mean).toBeCloseTo(0.6, 4);
    expect(s.facetScores[1]).toBeCloseTo(0, 4);
  });

  it('no shared positive-weight facet is no match', () => {
    expect(scorePair(entity([X]), entity([undefined, Y]), [1, 1, 1, 1, 1, 1], dims)).toBeNull();
    expect(scorePair(entity([X, Y]), entity([undefined, Y]), [1, 0, 1, 1, 1, 1], dims)).toBeNull();
  });

  it('all-negative pair and clamp', () => {
    const s = combineFacetCosines([-1.0000001, -1, -1, -1, -1, -1], ALL, [1, 1, 1, 1, 1, 1])!;
    expect(s.mean).toBe(-1);
    expect(s.total).toBe(0);
    expect(s.facetScores[0]).toBe(0);
  });
});

describe('ties and no-match in top-k (reference and engine)', () => {
  // Jobs 9 and 4 are identical; 4 must rank first. Job 12 shares no facet with the talent.
  const talents = block([1], [entity([X, Y])]);
  const jobs = block([4, 9, 12, 20], [entity([D, Y]), entity([D, Y]), entity([undefined, undefined, X]), entity([X, NEG_Y])]);
  const w = [1, 1, 1, 1, 1, 1];

  it('reference: smaller id wins a tie, unmatched pairs are absent', () => {
    const { t2j, j2t } = referenceTopK([talents], [jobs], w, dims, 5);
    expect([...t2j.candidateIds]).toEqual([4, 9, 20]);
    expect(t2j.totals[0]).toBeCloseTo(90, 4); // (0.6 + 1) / 2 = 0.8
    expect(t2j.totals[2]).toBeCloseTo(50, 4); // (1 - 1) / 2 = 0
    expect([...j2t.subjectIds]).toEqual([4, 9, 20]);
  });

  const settings = { weights: w, dims, threads: 1, talentBlockRows: 10, jobChunkRows: 10 };

  it('engine agrees', async () => {
    const engine = await MatchEngine.create({ ...settings, topK: 5, reserve: 8 });
    const { t2j, j2t } = await engineResults(engine, [talents], jobs, 5, 8);
    await engine.close();
    expect([...t2j.candidateIds]).toEqual([4, 9, 20]);
    expect(t2j.totals[0]).toBeCloseTo(90, 4);
    expect(t2j.facetCents[2]).toBe(-1);
    expect([...j2t.subjectIds]).toEqual([4, 9, 20]);
  });

  it('engine: topK 1 keeps the smaller id among identical jobs', async () => {
    const engine = await MatchEngine.create({ ...settings, topK: 1, reserve: 0 });
    const { t2j } = await engineResults(engine, [talents], jobs, 1, 0);
    await engine.close();
    expect([...t2j.candidateIds]).toEqual([4]);
  });
});
