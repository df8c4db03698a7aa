import { U8_ZERO_POINT } from '../kernel/buildMatchGraph.js';

/**
 * Rows of one facet quantised to 8 bits with one scale per row (s = max|x| / 127,
 * code = round(x / s)), and what the error bound needs: per row the norm of the
 * stored vector, of its quantised copy x̃ = s·code, and of the residual x − x̃,
 * all in float64 (rounded up by a hair, so they stay upper bounds).
 */
export interface QuantisedRows {
  /** Talents: u8 codes + 128, row-major [rows, d]. Jobs: s8 codes, transposed [d, rows]. */
  codes: Uint8Array | Int8Array;
  scales: Float32Array;
  norm: Float64Array;
  quantNorm: Float64Array;
  residual: Float64Array;
}

const UP = 1 + 1e-12;

export function quantiseRows(x: Float32Array, rows: number, d: number, layout: 'u8-rows' | 's8-cols'): QuantisedRows {
  const codes = layout === 'u8-rows' ? new Uint8Array(rows * d) : new Int8Array(rows * d);
  const scales = new Float32Array(rows);
  const norm = new Float64Array(rows);
  const quantNorm = new Float64Array(rows);
  const residual = new Float64Array(rows);
  const offset = layout === 'u8-rows' ? U8_ZERO_POINT : 0;
  for (let r = 0; r < rows; r++) {
    const at = r * d;
    let max = 0;
    for (let i = 0; i < d; i++) max = Math.max(max, Math.abs(x[at + i]));
    if (max === 0) {
      if (offset) codes.fill(offset, at, at + d);
      continue;
    }
    // The scale the graph multiplies by is this float32: the bound uses the same one.
    const s = Math.fround(max / 127);
    scales[r] = s;
    let n2 = 0;
    let q2 = 0;
    let r2 = 0;
    for (let i = 0; i < d; i++) {
      const v = x[at + i];
      const k = Math.max(-127, Math.min(127, Math.round(v / s)));
      if (layout === 'u8-rows') codes[at + i] = k + offset;
      else codes[i * rows + r] = k;
      const e = v - s * k;
      n2 += v * v;
      q2 += k * k;
      r2 += e * e;
    }
    norm[r] = Math.sqrt(n2) * UP;
    quantNorm[r] = s * Math.sqrt(q2) * UP;
    residual[r] = Math.sqrt(r2) * UP;
  }
  return { codes, scales, norm, quantNorm, residual };
}
