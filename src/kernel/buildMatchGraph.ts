import { FACET_COUNT } from '../facets.js';
import { OnnxType, type OnnxGraph, type OnnxNode, type OnnxValueInfo } from './encodeOnnxModel.js';

/** Score given to pairs without a shared positive-weight facet; below any real mean (>= -1). */
export const NO_MATCH_SCORE = -4;

/** How the candidate pass multiplies: float32 Gemm, or u8 × s8 MatMulInteger on vectors quantised per row. */
export type KernelKind = 'fp32' | 'int8';

/** Zero point of the talents' u8 codes: q_u8 = q_s8 + 128 (u8 × s8 is the fast MatMulInteger path; s8 × s8 is not). */
export const U8_ZERO_POINT = 128;

/** The second 8-bit digit's weight (quantiseRows.ts): x ≈ s·(hi + lo / LO_RADIX). */
export const LO_RADIX = 128;

/**
 * Each facet's Gemm alpha (fp32) or row-scale factor (int8): the weight as a
 * float32, so the graph's numerator is Σ w_f·cos_f.
 */
export function gemmScales(weights: readonly number[]): number[] {
  return weights.map((w) => (w > 0 ? Math.fround(w) : 1));
}

/**
 * The candidate pass: one run scores a talent block (bq rows) against a job
 * slice (bc rows) approximately and keeps, inside the graph, the top kt jobs per
 * talent and the top kj talents per job with their approximate means. The
 * engine bounds the approximation's error and re-scores the candidates exactly
 * (exactScore.ts); these values only choose candidates.
 *
 * fp32 inputs: q{f} [bq,d_f], c{f} [bc,d_f] (float32).
 * int8 inputs (two 8-bit digits per value, quantiseRows.ts): q{f} [bq,d_f] (uint8 hi
 *   digits, zero point 128), c{f} [d_f,bc] (int8 hi digits, transposed), qq{f}
 *   [bq,2d_f] (hi | lo), cc{f} [2d_f,bc] (lo ; hi), qs{f} [bq,1] = w_f × the talent
 *   row's scale, cs{f} [1,bc] = the job row's scale. Facet value:
 *   qs·cs·(q·c + (qq·cc)/128) = q'·c' − q_lo·c_lo.
 * Both: pq [bq,6] = w_f*present; pcT [6,bc] = present; kt, kj int64 [1].
 * Outputs: t2jVal, t2jIdx [bq,kt]; j2tVal, j2tIdx [bc,kj] (per job, its best talents).
 *
 * allPresent: every row on both sides has every weighted facet, so the denominator
 * is constant and ranking by the numerator is the same; this drops the pq/pcT
 * inputs and three full-matrix passes (MatMul, Div, Where). Its values are then
 * Σ w_f·cos_f, not the mean: the engine divides by Σ w_f.
 */
export function buildMatchGraph(weights: readonly number[], dims: readonly number[], allPresent = false, kernel: KernelKind = 'fp32'): OnnxGraph {
  const facets = [...Array(FACET_COUNT).keys()].filter((f) => dims[f] > 0);
  const weighted = facets.filter((f) => weights[f] > 0);
  if (weighted.length === 0) throw new Error('at least one facet needs a positive weight and dims > 0');

  const nodes: OnnxNode[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const fp = (name: string, shape: (number | string)[]): OnnxValueInfo => ({ name, elemType: OnnxType.FLOAT, shape });
  const i64 = (name: string, shape: (number | string)[]): OnnxValueInfo => ({ name, elemType: OnnxType.INT64, shape });

  const scales = gemmScales(weights);
  for (const f of weighted) {
    if (kernel === 'fp32') {
      inputs.push(fp(`q${f}`, ['bq', dims[f]]), fp(`c${f}`, ['bc', dims[f]]));
      const attrs = { transB: { int: 1 }, ...(scales[f] !== 1 ? { alpha: scales[f] } : {}) };
      nodes.push({ op: 'Gemm', inputs: [`q${f}`, `c${f}`], outputs: [`S${f}`], attrs });
    } else {
      inputs.push(
        { name: `q${f}`, elemType: OnnxType.UINT8, shape: ['bq', dims[f]] },
        { name: `c${f}`, elemType: OnnxType.INT8, shape: [dims[f], 'bc'] },
        { name: `qq${f}`, elemType: OnnxType.UINT8, shape: ['bq', 2 * dims[f]] },
        { name: `cc${f}`, elemType: OnnxType.INT8, shape: [2 * dims[f], 'bc'] },
        fp(`qs${f}`, ['bq', 1]),
        fp(`cs${f}`, [1, 'bc']),
      );
      nodes.push(
        { op: 'MatMulInteger', inputs: [`q${f}`, `c${f}`, 'zp'], outputs: [`I${f}`] },
        { op: 'MatMulInteger', inputs: [`qq${f}`, `cc${f}`, 'zp'], outputs: [`J${f}`] },
        { op: 'Cast', inputs: [`I${f}`], outputs: [`F${f}`], attrs: { to: { int: OnnxType.FLOAT } } },
        { op: 'Cast', inputs: [`J${f}`], outputs: [`G${f}`], attrs: { to: { int: OnnxType.FLOAT } } },
        { op: 'Mul', inputs: [`G${f}`, 'loRadixInv'], outputs: [`H${f}`] },
        { op: 'Add', inputs: [`F${f}`, `H${f}`], outputs: [`P${f}`] },
        { op: 'Mul', inputs: [`P${f}`, `qs${f}`], outputs: [`R${f}`] },
        { op: 'Mul', inputs: [`R${f}`, `cs${f}`], outputs: [`S${f}`] },
      );
    }
  }
  if (!allPresent) inputs.push(fp('pq', ['bq', FACET_COUNT]), fp('pcT', [FACET_COUNT, 'bc']));
  inputs.push(i64('kt', [1]), i64('kj', [1]));

  const num = weighted.length === 1 ? `S${weighted[0]}` : 'num';
  if (weighted.length > 1) nodes.push({ op: 'Sum', inputs: weighted.map((f) => `S${f}`), outputs: ['num'] });
  const score = allPresent ? num : 'score';
  if (!allPresent) {
    nodes.push(
      { op: 'MatMul', inputs: ['pq', 'pcT'], outputs: ['den'] },
      { op: 'Greater', inputs: ['den', 'zero'], outputs: ['shared'] },
      { op: 'Div', inputs: [num, 'den'], outputs: ['mean'] },
      { op: 'Where', inputs: ['shared', 'mean', 'noMatch'], outputs: ['score'] },
    );
  }
  nodes.push(
    { op: 'TopK', inputs: [score, 'kt'], outputs: ['t2jVal', 't2jIdx'], attrs: { axis: { int: 1 } } },
    // TopK along axis 0 walks columns with a stride and measured 2x slower than a
    // transpose plus a row-wise TopK (103 ms vs 47 ms at 2000 x 5000).
    { op: 'Transpose', inputs: [score], outputs: ['scoreT'], attrs: { perm: { ints: [1, 0] } } },
    { op: 'TopK', inputs: ['scoreT', 'kj'], outputs: ['j2tVal', 'j2tIdx'], attrs: { axis: { int: 1 } } },
  );
  outputs.push(fp('t2jVal', ['bq', 'kt']), i64('t2jIdx', ['bq', 'kt']), fp('j2tVal', ['bc', 'kj']), i64('j2tIdx', ['bc', 'kj']));

  const scalar = (name: string, v: number) => ({ name, dims: [], data: new Float32Array([v]) });
  const initializers: OnnxGraph['initializers'] = allPresent ? [] : [scalar('zero', 0), scalar('noMatch', NO_MATCH_SCORE)];
  if (kernel === 'int8') initializers.push({ name: 'zp', dims: [], data: Uint8Array.of(U8_ZERO_POINT) }, scalar('loRadixInv', 1 / LO_RADIX));
  return { name: 'fitmatch_kernel', nodes, inputs, outputs, initializers };
}
