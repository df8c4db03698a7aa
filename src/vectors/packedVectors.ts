import { createHash } from 'node:crypto';
import { FACET_COUNT, facetBit } from '../facets.js';
import { decodeFloat32, encodeFloat32 } from './float32.js';

/**
 * How an entity's facet vectors are stored (talent_embeddings / job_embeddings):
 * one `vectors` blob holding the present facets' float32 little-endian values,
 * concatenated in facet order with missing facets omitted, plus `facet_mask`,
 * `facet_dims` ("1536,1536,0,1536,1536,1536") and `vectors_hash`. One blob per
 * row instead of six: InnoDB stores each blob off-page, so six 6 KB blobs cost
 * six page chains to read (measured: 1.8x the read throughput with one).
 */
export interface PackedVectors {
  blob: Buffer;
  mask: number;
  dims: number[];
  /** Version stamp: changes whenever the vectors or their layout change. */
  hash: string;
}

export const formatDims = (dims: readonly number[]): string => dims.join(',');

/** facet_dims text -> six lengths, or null when it is not six non-negative integers. */
export function parseDims(text: string): number[] | null {
  const parts = text.split(',');
  if (parts.length !== FACET_COUNT) return null;
  const dims = parts.map((p) => (/^\d{1,6}$/.test(p) ? Number(p) : NaN));
  return dims.some(Number.isNaN) ? null : dims;
}

/** sha256 of layout and bytes, truncated to 64 bits: a change detector, not a security boundary. */
export function vectorsHash(dims: readonly number[], blob: Uint8Array): string {
  return storedHash(formatDims(dims), blob);
}

/** vectors_hash of a stored row from its facet_dims text and blob: the first 8 bytes of sha256(facet_dims, "\n", blob), as hex. */
export function storedHash(facetDims: string, blob: Uint8Array): string {
  return createHash('sha256').update(facetDims).update('\n').update(blob).digest('hex').slice(0, 16);
}

export function packVectors(facets: readonly (Float32Array | null)[]): PackedVectors {
  const dims = facets.map((v) => v?.length ?? 0);
  const blob = Buffer.concat(facets.filter((v): v is Float32Array => v !== null && v.length > 0).map(encodeFloat32));
  const mask = dims.reduce((m, d, f) => (d > 0 ? m | facetBit(f) : m), 0);
  return { blob, mask, dims, hash: vectorsHash(dims, blob) };
}

/** Byte offset of each facet inside the blob (absent facets get the offset of the next one). */
export function facetOffsets(dims: readonly number[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const d of dims) {
    out.push(at);
    at += d * 4;
  }
  return out;
}

/** The blob's facets as views into `blob` (null where absent); throws when the length does not match the dims. */
export function unpackVectors(blob: Uint8Array, dims: readonly number[]): (Uint8Array | null)[] {
  const total = dims.reduce((a, d) => a + d * 4, 0);
  if (blob.byteLength !== total) throw new Error(`vectors blob has ${blob.byteLength} bytes, facet_dims ${formatDims(dims)} need ${total}`);
  const offsets = facetOffsets(dims);
  return dims.map((d, f) => (d > 0 ? blob.subarray(offsets[f], offsets[f] + d * 4) : null));
}

/** unpackVectors, decoded to Float32Arrays (copies). */
export function unpackFloat32(blob: Uint8Array, dims: readonly number[]): (Float32Array | null)[] {
  return unpackVectors(blob, dims).map((b) => (b ? decodeFloat32(b) : null));
}
