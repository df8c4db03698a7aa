import { describe, expect, it } from 'vitest';
import { formatDims, packVectors, parseDims, unpackFloat32, unpackVectors } from '../../src/vectors/packedVectors.js';

describe('packed facet vectors', () => {
  const a = Float32Array.of(1, 2, 3);
  const b = Float32Array.of(-0.5, 0.25);
  it('packs present facets in facet order and unpacks them back', () => {
    const p = packVectors([null, a, null, b, null, null]);
    expect(p.mask).toBe(0b1010);
    expect(formatDims(p.dims)).toBe('0,3,0,2,0,0');
    expect(p.blob.byteLength).toBe(20);
    expect(unpackFloat32(p.blob, p.dims)).toEqual([null, a, null, b, null, null]);
  });
  it('changes the hash when values or layout change, and only then', () => {
    const h = packVectors([a, b, null, null, null, null]).hash;
    expect(packVectors([Float32Array.from(a), Float32Array.from(b), null, null, null, null]).hash).toBe(h);
    expect(packVectors([a, Float32Array.of(-0.5, 0.5), null, null, null, null]).hash).not.toBe(h);
    // Same bytes, other split between facets.
    expect(packVectors([Float32Array.of(1, 2), Float32Array.of(3, -0.5, 0.25), null, null, null, null]).hash).not.toBe(h);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
  });
  it('rejects layouts that do not describe the blob', () => {
    expect(parseDims('1,2,3')).toBeNull();
    expect(parseDims('1,2,3,4,5,x')).toBeNull();
    expect(parseDims('1,2,-3,4,5,6')).toBeNull();
    expect(parseDims('0,0,0,0,0,1536')).toEqual([0, 0, 0, 0, 0, 1536]);
    expect(() => unpackVectors(new Uint8Array(8), [3, 0, 0, 0, 0, 0])).toThrow(/12/);
  });
});
