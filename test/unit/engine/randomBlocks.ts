import { FACET_COUNT } from '../../../src/facets.js';
import type { EmbeddingBlock, ResultBatch } from '../../../src/engine/types.js';
import type { RefBatch } from '../../helpers/referenceTopK.js';
import { expect } from 'vitest';

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomOpts {
  rows: number;
  dims: readonly number[];
  firstId: number;
  idStep?: number;
  missing?: number;
  duplicates?: number;
  /** Rows of this set to copy from when making duplicates (default: itself). */
  pool?: EmbeddingBlock;
}

/** One block with unit rows, some facets missing and some rows exact copies of others. */
export function randomBlock(rand: () => number, o: RandomOpts): EmbeddingBlock {
  const { rows, dims } = o;
  const b: EmbeddingBlock = {
    rows,
    ids: Float64Array.from({ length: rows }, (_, i) => o.firstId + i * (o.idStep ?? 1)),
    mask: new Uint8Array(rows),
    facets: dims.map((d) => new Float32Array(rows * d)),
  };
  for (let r = 0; r < rows; r++) {
    const src = o.pool ?? b;
    const srcRows = o.pool ? o.pool.rows : r;
    if (srcRows > 0 && rand() < (o.duplicates ?? 0)) {
      const s = Math.floor(rand() * srcRows);
      b.mask[r] = src.mask[s];
      dims.forEach((d, f) => b.facets[f].set(src.facets[f].subarray(s * d, (s + 1) * d), r * d));
      continue;
    }
    let mask = 0;
    for (let f = 0; f < FACET_COUNT; f++) {
      if (dims[f] === 0 || rand() < (o.missing ?? 0)) continue;
      mask |= 1 << f;
      const v = b.facets[f].subarray(r * dims[f], (r + 1) * dims[f]);
      let n = 0;
      for (let i = 0; i < v.length; i++) n += (v[i] = rand() * 2 - 1) ** 2;
      for (let i = 0; i < v.length; i++) v[i] /= Math.sqrt(n);
    }
    b.mask[r] = mask;
  }
  return b;
}

/** Splits one block into chunks of the given sizes (views). */
export function split(b: EmbeddingBlock, sizes: number[], dims: readonly number[]): EmbeddingBlock[] {
  const out: EmbeddingBlock[] = [];
  let start = 0;
  for (const n of sizes) {
    out.push({
      rows: n,
      ids: b.ids.slice(start, start + n),
      mask: b.mask.slice(start, start + n),
      facets: b.facets.map((a, f) => a.slice(start * dims[f], (start + n) * dims[f])),
    });
    start += n;
  }
  return out;
}

/** One block holding the rows of several (the engine takes all jobs as one block). */
export function concatBlocks(blocks: EmbeddingBlock[], dims: readonly number[]): EmbeddingBlock {
  const rows = blocks.reduce((n, b) => n + b.rows, 0);
  const out: EmbeddingBlock = { rows, ids: new Float64Array(rows), mask: new Uint8Array(rows), facets: dims.map((d) => new Float32Array(rows * d)) };
  let at = 0;
  for (const b of blocks) {
    out.ids.set(b.ids.subarray(0, b.rows), at);
    out.mask.set(b.mask.subarray(0, b.rows), at);
    dims.forEach((d, f) => out.facets[f].set(b.facets[f].subarray(0, b.rows * d), at * d));
    at += b.rows;
  }
  return out;
}

/**
 * Row-by-row equality with a float64 reference: ids and ranks exact, totals
 * within tol, facet scores within rounding to hundredths, absent where absent.
 */
export function expectSameResults(actual: ResultBatch, expected: RefBatch, tol = 1e-4): void {
  expect(actual.direction).toBe(expected.direction);
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const where = `${expected.direction} row ${i} subject ${expected.subjectIds[i]}`;
    expect(actual.subjectIds[i], where).toBe(expected.subjectIds[i]);
    expect(actual.candidateIds[i], where).toBe(expected.candidateIds[i]);
    expect(Math.abs(actual.totals[i] - expected.totals[i]), where).toBeLessThanOrEqual(tol);
    for (let f = 0; f < FACET_COUNT; f++) {
      const a = actual.facetCents[i * FACET_COUNT + f];
      const e = expected.facetScores[i * FACET_COUNT + f];
      if (Number.isNaN(e)) expect(a, `${where} facet ${f}`).toBe(-1);
      else expect(Math.abs(a / 100 - e), `${where} facet ${f}`).toBeLessThanOrEqual(0.005 + tol);
    }
  }
}
