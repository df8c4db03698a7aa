import { FACET_COUNT } from '../facets.js';

const F = FACET_COUNT;

/**
 * The one dot product every published score comes from: float64 accumulation
 * over the stored float32 values, in a fixed order (eight partial sums over
 * i mod 8, then ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))). A product
 * of two float32 values is exact in float64, so the result is within n·2^-53 of
 * the real dot product and has the same bits whoever computes it: kernels,
 * blocks, shards, increments and `explain` all call this, or its WebAssembly
 * twin (wasmDot.ts, tested bit for bit against it).
 */
export function exactDot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    const p = aOff + i;
    const q = bOff + i;
    s0 += a[p] * b[q];
    s1 += a[p + 1] * b[q + 1];
    s2 += a[p + 2] * b[q + 2];
    s3 += a[p + 3] * b[q + 3];
    s4 += a[p + 4] * b[q + 4];
    s5 += a[p + 5] * b[q + 5];
    s6 += a[p + 6] * b[q + 6];
    s7 += a[p + 7] * b[q + 7];
  }
  for (; i < n; i++) s0 += a[aOff + i] * b[bOff + i];
  return s0 + s1 + (s2 + s3) + (s4 + s5 + (s6 + s7));
}

const clamp1 = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x);

/**
 * The weighted mean cosine over the facets in `shared` with weight > 0:
 * Σ w_f·cos_f / Σ w_f (both summed in facet order), clamped to [-1, 1]; NaN when
 * no such facet exists (not a match).
 */
export function exactMean(cosines: ArrayLike<number>, shared: number, weights: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let f = 0; f < F; f++) {
    if (!(shared & (1 << f)) || !(weights[f] > 0)) continue;
    num += weights[f] * cosines[f];
    den += weights[f];
  }
  return den > 0 ? clamp1(num / den) : NaN;
}
