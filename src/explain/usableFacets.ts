import { FACETS, FACET_COUNT, facetBit } from '../facets.js';
import { allocBlock, emptySkips, fillRow } from '../engine/embeddingBlock.js';
import { facetBlobs } from '../store/vectorReader.js';
import { parseDims } from '../vectors/packedVectors.js';
import type { UnusableFacet } from './pairVerdict.js';

export interface UsableFacets {
  /** Unit vectors laid out as the engine's blocks (one row); zeros where not usable. */
  facets: Float32Array[];
  mask: number;
  unreadable: boolean;
  unusable: UnusableFacet[];
}

/**
 * A stored embedding as the match reader takes it under the run's dims: facets
 * of another length, zero or non-finite are dropped, the rest unit-normalised
 * (fillRow, the reader's own code).
 */
export function usableFacets(facetDims: string, blob: Buffer, runDims: readonly number[]): UsableFacets {
  const dims = [...runDims];
  const block = allocBlock(1, dims);
  const stored = parseDims(facetDims);
  const blobs = facetBlobs(facetDims, blob);
  if (!blobs || !stored) return { facets: block.facets, mask: 0, unreadable: true, unusable: [] };
  const skips = emptySkips();
  const mask = fillRow(block, 0, 0, blobs, dims, skips);
  const unusable: UnusableFacet[] = [];
  for (let f = 0; f < FACET_COUNT; f++) {
    if (!blobs[f] || mask & facetBit(f)) continue;
    unusable.push(skips.wrongDim[f] ? { facet: FACETS[f], why: 'wrong_dim', stored: stored![f], run: dims[f] } : { facet: FACETS[f], why: 'invalid_vector' });
  }
  return { facets: block.facets, mask, unreadable: false, unusable };
}
