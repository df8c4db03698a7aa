import * as ort from 'onnxruntime-node';
import { FACET_COUNT } from '../facets.js';
import type { EmbeddingBlock } from './types.js';

const F = FACET_COUNT;

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

export interface JobSlice {
  block: EmbeddingBlock;
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

/** The caller's job chunks cut to at most maxRows rows each, with their kernel inputs. */
export class JobSlices {
  readonly slices: JobSlice[] = [];
  readonly ids: Float64Array;

  constructor(private readonly chunks: readonly EmbeddingBlock[], maxRows: number, dims: readonly number[], requiredMask: number) {
    let offset = 0;
    for (const chunk of chunks) {
      for (let start = 0; start < chunk.rows; start += maxRows) {
        const block = sliceBlock(chunk, start, Math.min(maxRows, chunk.rows - start), dims);
        const pcT = new Float32Array(F * block.rows);
        for (let j = 0; j < block.rows; j++) {
          for (let f = 0; f < F; f++) pcT[f * block.rows + j] = block.mask[j] & (1 << f) ? 1 : 0;
        }
        const feeds: Record<string, ort.Tensor> = { pcT: new ort.Tensor('float32', pcT, [F, block.rows]) };
        for (let f = 0; f < F; f++) {
          if (dims[f] > 0) feeds[`c${f}`] = new ort.Tensor('float32', block.facets[f], [block.rows, dims[f]]);
        }
        this.slices.push({ block, offset, feeds, full: hasAll(block.mask, requiredMask) });
        offset += block.rows;
      }
    }
    this.ids = new Float64Array(offset);
    for (const s of this.slices) this.ids.set(s.block.ids, s.offset);
  }

  matches(chunks: readonly EmbeddingBlock[]): boolean {
    return chunks.length === this.chunks.length && chunks.every((c, i) => c === this.chunks[i]);
  }
}
