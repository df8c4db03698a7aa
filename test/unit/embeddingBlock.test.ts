import { describe, expect, it } from 'vitest';
import { allocBlock, chooseFacetDims, emptySkips, fillRow } from '../../src/engine/embeddingBlock.js';
import { encodeFloat32 } from '../../src/vectors/float32.js';

const dims = [2, 3, 0, 2, 2, 2];
const f32 = (...v: number[]) => encodeFloat32(Float32Array.from(v));

describe('embedding blocks', () => {
  it('normalises present facets, zeroes missing ones and counts unusable blobs', () => {
    const b = allocBlock(2, dims);
    b.facets[0].fill(9); // reused buffer: stale values must be overwritten
    const skips = emptySkips();
    // an odd offset, as mysql2 hands out
    const unaligned = Buffer.concat([Buffer.alloc(1), f32(1, 0, 0)]).subarray(1);
    const mask = fillRow(b, 1, 42, [f32(3, 4), unaligned, null, f32(0, 0), f32(1, 2, 3), f32(NaN, 1)], dims, skips);
    expect(mask).toBe(0b11);
    expect(b.ids[1]).toBe(42);
    expect(Array.from(b.facets[0].subarray(2, 4))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(b.facets[1].subarray(3, 6))).toEqual([1, 0, 0]);
    expect(Array.from(b.facets[3].subarray(2, 4))).toEqual([0, 0]);
    expect(skips.wrongDim).toEqual([0, 0, 0, 0, 1, 0]);
    expect(skips.invalid).toEqual([0, 0, 0, 1, 0, 1]);
    expect(Array.from(b.facets[5].subarray(2, 4))).toEqual([0, 0]);
  });

  it('returns 0 when nothing is usable', () => {
    const b = allocBlock(1, dims);
    expect(fillRow(b, 0, 1, [null, null, null, null, f32(1), null], dims, emptySkips())).toBe(0);
  });

  it('picks each facet dimension by majority of byte lengths', () => {
    expect(chooseFacetDims([new Map([[6144, 10], [12, 3]]), new Map([[7, 5], [8, 1]]), new Map()])).toEqual([1536, 2, 0]);
  });
});
