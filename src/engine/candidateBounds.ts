import { FACET_COUNT } from '../facets.js';
import type { QuantisedRows } from './quantiseRows.js';

const F = FACET_COUNT;
/** float32 unit roundoff. */
const U = 2 ** -24;
/**
 * The graph's own float32 steps after the products (int32 → float cast, the row
 * and column scales, the weights as float32, the facet sum, the division by the
 * weight sum), each a few ulps of values at most ~1 after the division, plus the
 * exact function's own distance from the real dot product (≤ d·2^-53).
 */
const SLACK = 64 * U + 1e-12;

/**
 * Upper bounds on |approximate mean − exact mean| for the pairs of one talent
 * block × job slice: per pair, per talent row (over the slice's jobs) and per job
 * column (over the block's talents). A candidate whose approximate mean plus its
 * bound is below a list's last exact score cannot enter the list.
 */
export interface CandidateBounds {
  pair(i: number, j: number): number;
  row(i: number): number;
  col(j: number): number;
}

/**
 * float32 GEMM over unit vectors: |fl(q·c) − q·c| ≤ γ_d·Σ|q_i c_i| ≤ γ_d·‖q‖‖c‖
 * (γ_d = d·u / (1 − d·u)) for any summation order, so also for however MLAS cuts
 * the GEMM; the norms of float32-normalised rows are within 1% of 1. The weighted
 * mean of such errors is bounded by the largest.
 */
export function fp32Bounds(dims: readonly number[], weighted: readonly number[]): CandidateBounds {
  const d = Math.max(...weighted.map((f) => dims[f]));
  const e = (1.01 * d * U) / (1 - d * U) + SLACK;
  return { pair: () => e, row: () => e, col: () => e };
}

/** One side's quantised facets (null where the facet is not in the graph) and their per-facet maxima. */
export interface QuantisedSide {
  rows: QuantisedRows[];
  mask: Uint8Array;
  maxNorm: Float64Array;
  maxQuantNorm: Float64Array;
  maxResidual: Float64Array;
  maxLoNorm: Float64Array;
}

export function quantisedSide(rows: (QuantisedRows | null)[], mask: Uint8Array): QuantisedSide {
  const maxNorm = new Float64Array(F);
  const maxQuantNorm = new Float64Array(F);
  const maxResidual = new Float64Array(F);
  const maxLoNorm = new Float64Array(F);
  rows.forEach((r, f) => {
    if (!r) return;
    for (let i = 0; i < r.norm.length; i++) {
      if (r.norm[i] > maxNorm[f]) maxNorm[f] = r.norm[i];
      if (r.quantNorm[i] > maxQuantNorm[f]) maxQuantNorm[f] = r.quantNorm[i];
      if (r.residual[i] > maxResidual[f]) maxResidual[f] = r.residual[i];
      if (r.loNorm[i] > maxLoNorm[f]) maxLoNorm[f] = r.loNorm[i];
    }
  });
  return { rows: rows as QuantisedRows[], mask, maxNorm, maxQuantNorm, maxResidual, maxLoNorm };
}

/**
 * Two 8-bit digits per value, one scale per row (quantiseRows.ts): the graph's
 * facet value is q'·c' − q_lo·c_lo, so per facet
 * |q·c − (q'·c' − q_lo·c_lo)| ≤ ‖δq‖·‖c'‖ + ‖q‖·‖δc‖ + ‖q_lo‖·‖c_lo‖
 * (Cauchy–Schwarz on q·c − q'·c' = δq·c' + q·δc, δ = x − x'); the mean's error is
 * the same weighted mean of those over the shared weighted facets, which is at
 * most their largest (docs/match.md, "The int8 bound").
 */
export function int8Bounds(q: QuantisedSide, c: QuantisedSide, weights: readonly number[], weighted: readonly number[]): CandidateBounds {
  const facetErr = (f: number, i: number, j: number) => {
    const a = q.rows[f];
    const b = c.rows[f];
    return a.residual[i] * b.quantNorm[j] + a.norm[i] * b.residual[j] + a.loNorm[i] * b.loNorm[j];
  };
  return {
    pair(i, j) {
      const shared = q.mask[i] & c.mask[j];
      let num = 0;
      let den = 0;
      for (const f of weighted) {
        if (!(shared & (1 << f))) continue;
        num += weights[f] * facetErr(f, i, j);
        den += weights[f];
      }
      return den > 0 ? num / den + SLACK : 0;
    },
    row(i) {
      let e = 0;
      for (const f of weighted) if (q.mask[i] & (1 << f)) e = Math.max(e, q.rows[f].residual[i] * c.maxQuantNorm[f] + q.rows[f].norm[i] * c.maxResidual[f] + q.rows[f].loNorm[i] * c.maxLoNorm[f]);
      return e + SLACK;
    },
    col(j) {
      let e = 0;
      for (const f of weighted) if (c.mask[j] & (1 << f)) e = Math.max(e, q.maxResidual[f] * c.rows[f].quantNorm[j] + q.maxNorm[f] * c.rows[f].residual[j] + q.maxLoNorm[f] * c.rows[f].loNorm[j]);
      return e + SLACK;
    },
  };
}
