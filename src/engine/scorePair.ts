import { FACET_COUNT, facetBit } from '../facets.js';

export interface PairScore {
  /** Weighted mean cosine over shared positive-weight facets, clamped to [-1, 1]. */
  mean: number;
  /** (mean + 1) * 50. */
  total: number;
  /** Per facet (cos + 1) * 50 where both sides have the facet, NaN elsewhere. */
  facetScores: number[];
}

const clamp1 = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x);

/**
 * Combines per-facet cosines into a pair score; cosines for facets not in
 * sharedMask are ignored. Returns null when no shared facet has a positive weight.
 */
export function combineFacetCosines(
  cosines: ArrayLike<number>,
  sharedMask: number,
  weights: readonly number[],
): PairScore | null {
  let num = 0;
  let den = 0;
  const facetScores = new Array<number>(FACET_COUNT).fill(NaN);
  for (let f = 0; f < FACET_COUNT; f++) {
    if (!(sharedMask & facetBit(f))) continue;
    const cos = clamp1(cosines[f]);
    facetScores[f] = (cos + 1) * 50;
    if (weights[f] > 0) {
      num += weights[f] * cosines[f];
      den += weights[f];
    }
  }
  if (den === 0) return null;
  const mean = clamp1(num / den);
  return { mean, total: (mean + 1) * 50, facetScores };
}

function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
  return s;
}

/** Reference score of one pair in float64, straight from the facet vectors. */
export function scorePair(
  t: { facets: Float32Array[]; mask: number; row?: number },
  j: { facets: Float32Array[]; mask: number; row?: number },
  weights: readonly number[],
  dims: readonly number[],
): PairScore | null {
  const shared = t.mask & j.mask;
  const cosines = new Array<number>(FACET_COUNT).fill(0);
  for (let f = 0; f < FACET_COUNT; f++) {
    if (shared & facetBit(f)) cosines[f] = dot(t.facets[f], (t.row ?? 0) * dims[f], j.facets[f], (j.row ?? 0) * dims[f], dims[f]);
  }
  return combineFacetCosines(cosines, shared, weights);
}
