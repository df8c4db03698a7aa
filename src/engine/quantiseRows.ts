import { LO_RADIX, U8_ZERO_POINT } from '../kernel/buildMatchGraph.js';

/**
 * Rows of one facet as two 8-bit digits with one scale per row:
 * s = max|x| / 127, hi = round(x / s), lo = round((x / s − hi) · 128) (|lo| ≤ 64),
 * so x ≈ x' = s·(hi + lo/128) to about 16 bits. The graph multiplies
 * hi·hi + (hi·lo + lo·hi)/128 (two MatMulIntegers: one of depth d, one of depth
 * 2d over the digits side by side) and leaves out lo·lo/128², which the bound
 * covers with ‖x_lo‖ = s·‖lo‖/128 on each side. Per row, in float64 (rounded up
 * by a hair, so they stay upper bounds): ‖x‖, ‖x'‖, ‖x − x'‖ and ‖x_lo‖.
 */
export interface QuantisedRows {
  /**
   * hi digits. Talents: u8 (+128) row-major [rows, d]. Jobs: s8 transposed
   * [d, rows] (a view of the second half of `both`).
   */
  codes: Uint8Array | Int8Array;
  /** Talents: u8 [rows, 2d], each row hi then lo. Jobs: s8 [2d, rows], lo's rows then hi's: their product is hi·lo + lo·hi. */
  both: Uint8Array | Int8Array;
  scales: Float32Array;
  norm: Float64Array;
  quantNorm: Float64Array;
  residual: Float64Array;
  loNorm: Float64Array;
}

const UP = 1 + 1e-12;

export function quantiseRows(x: Float32Array, rows: number, d: number, layout: 'u8-rows' | 's8-cols'): QuantisedRows {
  const talents = layout === 'u8-rows';
  const both = talents ? new Uint8Array(rows * 2 * d) : new Int8Array(rows * 2 * d);
  const codes = talents ? new Uint8Array(rows * d) : (both as Int8Array).subarray(rows * d);
  const scales = new Float32Array(rows);
  const norm = new Float64Array(rows);
  const quantNorm = new Float64Array(rows);
  const residual = new Float64Array(rows);
  const loNorm = new Float64Array(rows);
  const offset = talents ? U8_ZERO_POINT : 0;
  for (let r = 0; r < rows; r++) {
    const at = r * d;
    let max = 0;
    for (let i = 0; i < d; i++) max = Math.max(max, Math.abs(x[at + i]));
    if (max === 0) {
      if (talents) {
        codes.fill(offset, at, at + d);
        both.fill(offset, 2 * at, 2 * at + 2 * d);
      }
      continue;
    }
    // The scale the graph multiplies by is this float32: the bound uses the same one.
    const s = Math.fround(max / 127);
    scales[r] = s;
    let n2 = 0;
    let q2 = 0;
    let r2 = 0;
    let l2 = 0;
    for (let i = 0; i < d; i++) {
      const v = x[at + i];
      const t = v / s;
      const hi = Math.max(-127, Math.min(127, Math.round(t)));
      const lo = Math.max(-127, Math.min(127, Math.round((t - hi) * LO_RADIX)));
      const digits = hi + lo / LO_RADIX;
      if (talents) {
        codes[at + i] = hi + offset;
        both[2 * at + i] = hi + offset;
        both[2 * at + d + i] = lo + offset;
      } else {
        both[i * rows + r] = lo;
        both[(d + i) * rows + r] = hi;
      }
      const e = v - s * digits;
      n2 += v * v;
      q2 += digits * digits;
      r2 += e * e;
      l2 += lo * lo;
    }
    norm[r] = Math.sqrt(n2) * UP;
    quantNorm[r] = s * Math.sqrt(q2) * UP;
    residual[r] = Math.sqrt(r2) * UP + s * 1e-12;
    loNorm[r] = (s * Math.sqrt(l2) * UP) / LO_RADIX;
  }
  return { codes, both, scales, norm, quantNorm, residual, loNorm };
}
