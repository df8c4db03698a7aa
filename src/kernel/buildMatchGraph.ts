import { FACET_COUNT } from '../facets.js';
import { OnnxType, type OnnxGraph, type OnnxNode, type OnnxValueInfo } from './encodeOnnxModel.js';

/** Score given to pairs without a shared positive-weight facet; below any real mean (>= -1). */
export const NO_MATCH_SCORE = -4;

/**
 * Each facet's Gemm alpha. The same in both graphs, so a pair's facet cosine has
 * the same float32 bits whichever graph (and block) computed it.
 */
export function gemmScales(weights: readonly number[]): number[] {
  return weights.map((w) => (w > 0 ? Math.fround(w) : 1));
}

/**
 * One run scores a talent block (bq rows) against a job chunk (bc rows) and keeps,
 * inside the graph, the top kt jobs per talent and the top kj talents per job,
 * plus every facet cosine at those positions.
 *
 * Inputs: q{f} [bq,d_f], c{f} [bc,d_f] for facets with d_f > 0; pq [bq,6] = w_f*present;
 * pcT [6,bc] = present; kt, kj int64 [1].
 * Outputs: t2jIdx [bq,kt] (int64), t2jCos{f} [bq,kt]; j2tIdx [kj,bc], j2tCos{f} [kj,bc].
 * The cosine outputs are scaled: divide by gemmScales(...)[f] to get the cosine.
 *
 * allPresent: every row on both sides has every weighted facet, so the denominator
 * is constant and ranking by the numerator is the same; this drops the pq/pcT
 * inputs and three full-matrix passes (MatMul, Div, Where).
 */
export function buildMatchGraph(weights: readonly number[], dims: readonly number[], allPresent = false): OnnxGraph {
  const facets = [...Array(FACET_COUNT).keys()].filter((f) => dims[f] > 0);
  const weighted = facets.filter((f) => weights[f] > 0);
  if (weighted.length === 0) throw new Error('at least one facet needs a positive weight and dims > 0');

  const nodes: OnnxNode[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const fp = (name: string, shape: (number | string)[]): OnnxValueInfo => ({ name, elemType: OnnxType.FLOAT, shape });
  const i64 = (name: string, shape: (number | string)[]): OnnxValueInfo => ({ name, elemType: OnnxType.INT64, shape });

  const scales = gemmScales(weights);
  for (const f of facets) {
    inputs.push(fp(`q${f}`, ['bq', dims[f]]), fp(`c${f}`, ['bc', dims[f]]));
    const attrs = { transB: { int: 1 }, ...(scales[f] !== 1 ? { alpha: scales[f] } : {}) };
    nodes.push({ op: 'Gemm', inputs: [`q${f}`, `c${f}`], outputs: [`S${f}`], attrs });
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
    { op: 'TopK', inputs: ['scoreT', 'kj'], outputs: ['j2tValT', 'j2tIdxT'], attrs: { axis: { int: 1 } } },
    { op: 'Transpose', inputs: ['j2tIdxT'], outputs: ['j2tIdx'], attrs: { perm: { ints: [1, 0] } } },
  );
  outputs.push(i64('t2jIdx', ['bq', 'kt']), i64('j2tIdx', ['kj', 'bc']));
  for (const f of facets) {
    nodes.push(
      { op: 'GatherElements', inputs: [`S${f}`, 't2jIdx'], outputs: [`t2jCos${f}`], attrs: { axis: { int: 1 } } },
      { op: 'GatherElements', inputs: [`S${f}`, 'j2tIdx'], outputs: [`j2tCos${f}`], attrs: { axis: { int: 0 } } },
    );
    outputs.push(fp(`t2jCos${f}`, ['bq', 'kt']), fp(`j2tCos${f}`, ['kj', 'bc']));
  }

  const scalar = (name: string, v: number) => ({ name, dims: [], data: new Float32Array([v]) });
  const initializers = allPresent ? [] : [scalar('zero', 0), scalar('noMatch', NO_MATCH_SCORE)];
  return { name: 'fitmatch_kernel', nodes, inputs, outputs, initializers };
}
