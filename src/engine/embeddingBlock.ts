import { FACET_COUNT, facetBit } from '../facets.js';
import { decodeFloat32 } from '../vectors/float32.js';
import type { EmbeddingBlock } from './types.js';

/** A block with room for `capacity` rows. */
export function allocBlock(capacity: number, dims: number[]): EmbeddingBlock {
  return {
    ids: new Float64Array(capacity),
    mask: new Uint8Array(capacity),
    facets: dims.map((d) => new Float32Array(capacity * d)),
    rows: 0,
  };
}

/** Blobs that were present but could not be used, per facet: counted and reported, never fatal. */
export interface BlobSkips {
  /** Byte length is not dims[f] * 4 (another model, truncated write). */
  wrongDim: number[];
  /** All zeros, NaN or infinite: no direction to take a cosine of. */
  invalid: number[];
  /** Rows whose blob length disagrees with their facet_dims: nothing of them is used. */
  corrupt: number;
}

export const emptySkips = (): BlobSkips => ({ wrongDim: new Array(FACET_COUNT).fill(0), invalid: new Array(FACET_COUNT).fill(0), corrupt: 0 });

/**
 * Writes one entity at `row`: each usable facet unit-normalised, zeros and a
 * clear mask bit for the rest. Returns the mask (0 = nothing usable).
 */
export function fillRow(block: EmbeddingBlock, row: number, id: number, blobs: (Uint8Array | null)[], dims: number[], skips: BlobSkips): number {
  let mask = 0;
  for (let f = 0; f < FACET_COUNT; f++) {
    const dim = dims[f];
    const out = block.facets[f];
    const start = row * dim;
    const blob = blobs[f];
    if (!blob) {
      out.fill(0, start, start + dim);
      continue;
    }
    if (dim === 0 || blob.byteLength !== dim * 4) {
      skips.wrongDim[f]++;
      out.fill(0, start, start + dim);
      continue;
    }
    const v = decodeFloat32(blob, out, start);
    let sum = 0;
    for (let i = 0; i < dim; i++) sum += v[i] * v[i];
    if (!(sum > 0) || !Number.isFinite(sum)) {
      skips.invalid[f]++;
      v.fill(0);
      continue;
    }
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < dim; i++) v[i] *= inv;
    mask |= facetBit(f);
  }
  block.ids[row] = id;
  block.mask[row] = mask;
  return mask;
}

/**
 * Per facet, the dimension most blobs have (byte length / 4). `lengths[f]` maps
 * byte length -> count, from both sides. A facet nobody has gets 0.
 */
export function chooseFacetDims(lengths: Map<number, number>[]): number[] {
  return lengths.map((counts) => {
    let best = 0;
    let bestCount = 0;
    for (const [len, n] of counts) {
      if (len <= 0 || len % 4 !== 0) continue;
      if (n > bestCount || (n === bestCount && len > best)) [best, bestCount] = [len, n];
    }
    return best / 4;
  });
}

/** A view of the first block.rows rows, so every array length matches rows (kernel tensors need exact shapes). */
export function trimBlock(block: EmbeddingBlock): EmbeddingBlock {
  if (block.rows === block.ids.length) return block;
  const n = block.rows;
  return {
    rows: n,
    ids: block.ids.subarray(0, n),
    mask: block.mask.subarray(0, n),
    facets: block.facets.map((a) => a.subarray(0, (a.length / block.ids.length) * n)),
  };
}
