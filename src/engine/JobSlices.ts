import * as ort from 'onnxruntime-node';
import { FACET_COUNT } from '../facets.js';
import type { QuantisedSide } from './candidateBounds.js';
import type { EmbeddingBlock } from './types.js';

const F = FACET_COUNT;

/**
 * Slices keep at least 128 jobs per thread: MLAS splits fewer columns among
 * threads or takes a GEMV path for a single row, which is slower. (Scores no
 * longer depend on it: the kernel only proposes candidates, and every kept one
 * is re-scored exactly.)
 */
export const minSliceRows = (threads: number): number => 128 * Math.max(1, threads);

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
export function padBlock(b: EmbeddingBlock, rows: number, dims: readonly number[]): EmbeddingBlock {
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
  /** The kernel's job inputs and pcT, built once and reused for every talent block. */
  feeds: Record<string, ort.Tensor>;
  /** Every row has every facet of requiredMask. */
  full: boolean;
  /** int8 kernel: the slice's quantised rows (for the error bound), and the fp32 inputs a block falls back to. */
  quantised: QuantisedSide | null;
  fp32Feeds: Record<string, ort.Tensor> | null;
}

/** A kernel's inputs for a block of jobs. */
export interface KernelInputs {
  feeds: Record<string, ort.Tensor>;
  quantised: QuantisedSide | null;
  fp32Feeds: Record<string, ort.Tensor> | null;
}

export function hasAll(mask: Uint8Array, required: number): boolean {
  for (let i = 0; i < mask.length; i++) if ((mask[i] & required) !== required) return false;
  return true;
}

/** How many rows each slice gets: even slices of about maxRows, none below minRows (a lone small one is padded). */
export function sliceSizes(rows: number, maxRows: number, minRows: number): number[] {
  if (rows === 0) return [];
  const count = Math.max(1, Math.min(Math.ceil(rows / maxRows), Math.floor(rows / minRows)));
  const base = Math.floor(rows / count);
  return Array.from({ length: count }, (_, i) => base + (i < rows % count ? 1 : 0));
}

/** All jobs cut into slices, each with its kernel inputs. */
export class JobSlices {
  readonly slices: JobSlice[] = [];

  constructor(
    readonly jobs: EmbeddingBlock,
    maxRows: number,
    requiredMask: number,
    threads: number,
    private kernelFeeds: (block: EmbeddingBlock) => KernelInputs,
    dims: readonly number[],
  ) {
    const minRows = minSliceRows(threads);
    let offset = 0;
    for (const real of sliceSizes(jobs.rows, maxRows, minRows)) {
      const view = sliceBlock(jobs, offset, real, dims);
      const block = real < minRows ? padBlock(view, minRows, dims) : view;
      const pcT = new Float32Array(F * block.rows);
      for (let j = 0; j < block.rows; j++) {
        for (let f = 0; f < F; f++) pcT[f * block.rows + j] = block.mask[j] & (1 << f) ? 1 : 0;
      }
      const slice: JobSlice = { block, real, offset, feeds: {}, full: hasAll(block.mask, requiredMask), quantised: null, fp32Feeds: null };
      this.setInputs(slice, new ort.Tensor('float32', pcT, [F, block.rows]));
      this.slices.push(slice);
      offset += real;
    }
  }

  /** Rebuilds the kernel inputs of the slices `which` selects with other kernel inputs (the kernel changed). */
  useInputs(kernelFeeds: (block: EmbeddingBlock) => KernelInputs, which: (s: JobSlice) => boolean): void {
    this.kernelFeeds = kernelFeeds;
    for (const s of this.slices) if (which(s)) this.setInputs(s, s.feeds.pcT);
  }

  private setInputs(slice: JobSlice, pcT: ort.Tensor): void {
    const k = this.kernelFeeds(slice.block);
    slice.feeds = { pcT, ...k.feeds };
    slice.quantised = k.quantised;
    slice.fp32Feeds = k.fp32Feeds && { pcT, ...k.fp32Feeds };
  }
}
