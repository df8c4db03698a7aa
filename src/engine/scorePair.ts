import { FACET_COUNT, facetBit } from '../facets.js';
import { exactDot, exactMean } from './exactScore.js';

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
  const mean = exactMean(cosines, sharedMask, weights);
  if (Number.isNaN(mean)) return null;
  const facetScores = new Array<number>(FACET_COUNT).fill(NaN);
  for (let f = 0; f < FACET_COUNT; f++) if (sharedMask & facetBit(f)) facetScores[f] = (clamp1(cosines[f]) + 1) * 50;
  return { mean, total: (mean + 1) * 50, facetScores };
}

/** A pair's score straight from its stored (unit float32) facet vectors: the exact function every published score is (exactScore.ts). */
export function scorePair(
  t: { facets: Float32Array[]; mask: number; row?: number },
  j: { facets: Float32Array[]; mask: number; row?: number },
  weights: readonly number[],
  dims: readonly number[],
): PairScore | null {
  const shared = t.mask & j.mask;
  const cosines = new Array<number>(FACET_COUNT).fill(0);
  for (let f = 0; f < FACET_COUNT; f++) {
    if (shared & facetBit(f)) cosines[f] = exactDot(t.facets[f], (t.row ?? 0) * dims[f], j.facets[f], (j.row ?? 0) * dims[f], dims[f]);
  }
  return combineFacetCosines(cosines, shared, weights);
}
