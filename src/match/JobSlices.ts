import * as ort from 'onnxruntime-node';
import { FACET_COUNT } from '../facets.js';
import type { EmbeddingBlock } from './types.js';

const F = FACET_COUNT;

/**
 * MLAS (ORT's GEMM) picks its K blocking from N: with N <= 64 columns it sums a
 * dot product in other chunks, so the same pair gets other float32 bits. Slices
 * are padded with empty rows to more than 64, so a pair's cosine does not depend
 * on which slice, block, shard or incremental run computed it (measured: bit-equal
 * for any N > 64, any M, any column position, 1 or 2 threads).
 */
export const MIN_SLICE_ROWS = 65;

/** Rows [start, start+rows) of a block as views (no copy). */
export function sliceBlock(b: EmbeddingBlock, start: number, rows: number, dims: readonly number[]): EmbeddingBlock {
  if (start === 0 && rows === b.rows) return b;
  return {
    rows,
    ids: b.ids.subarray(start, start + rows),
    mask: b.mask.subarray(start, start + rows),
    facets: b.facets.map((a, f) => a.subarray(start * dims[f], (start + rows) * dims[f])),
  };
}

/** A copy of `b` with empty rows (mask 0: never a match) appended up to `rows`. */
function padBlock(b: EmbeddingBlock, rows: number, dims: readonly number[]): EmbeddingBlock {
  const out: EmbeddingBlock = {
    rows,
    ids: new Float64Array(rows),
    mask: new Uint8Array(rows),
    facets: dims.map((d) => new Float32Array(rows * d)),
  };
  out.ids.set(b.ids.subarray(0, b.rows));
  out.mask.set(b.mask.subarray(0, b.rows));
  b.facets.forEach((a, f) => out.facets[f].set(a.subarray(0, b.rows * dims[f])));
  return out;
}

export interface JobSlice {
  /** Kernel input, padded: rows >= `real`. */
  block: EmbeddingBlock;
  /** Rows that are real jobs. */
  real: number;
  /** Row of the first job of this slice among all jobs. */
  offset: number;
  /** c{f} and pcT tensors, built once and reused for every talent block. */
  feeds: Record<string, ort.Tensor>;
  /** Every row has every facet of requiredMask. */
  full: boolean;
}

export function hasAll(mask: Uint8Array, required: number): boolean {
  for (let i = 0; i < mask.length; i++) if ((mask[i] & required) !== required) return false;
  return true;
}

/** All jobs cut into slices of at most maxRows rows, each with its kernel inputs. */
export class JobSlices {
  readonly slices: JobSlice[] = [];

  constructor(readonly jobs: EmbeddingBlock, maxRows: number, dims: readonly number[], requiredMask: number) {
    for (let offset = 0; offset < jobs.rows; offset += maxRows) {
      const real = Math.min(maxRows, jobs.rows - offset);
      const view = sliceBlock(jobs, offset, real, dims);
      const block = real < MIN_SLICE_ROWS ? padBlock(view, MIN_SLICE_ROWS, dims) : view;
      const pcT = new Float32Array(F * block.rows);
      for (let j = 0; j < block.rows; j++) {
        for (let f = 0; f < F; f++) pcT[f * block.rows + j] = block.mask[j] & (1 << f) ? 1 : 0;
      }
      const feeds: Record<string, ort.Tensor> = { pcT: new ort.Tensor('float32', pcT, [F, block.rows]) };
      for (let f = 0; f < F; f++) {
        if (dims[f] > 0) feeds[`c${f}`] = new ort.Tensor('float32', block.facets[f], [block.rows, dims[f]]);
      }
      this.slices.push({ block, real, offset, feeds, full: hasAll(block.mask, requiredMask) });
    }
  }
}
