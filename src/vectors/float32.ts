import { endianness } from 'node:os';

const LE = endianness() === 'LE';

/** Float32Array -> little-endian bytes for a MEDIUMBLOB column. */
export function encodeFloat32(v: Float32Array): Buffer {
  if (LE) return Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  const out = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i], i * 4);
  return out;
}

/**
 * Little-endian bytes -> Float32Array, written into `into` at `offset` when given
 * (the match reader fills big preallocated blocks). mysql2 hands out Buffers that
 * are slices of its packet buffer and not 4-byte aligned, so the bytes are copied.
 */
export function decodeFloat32(buf: Uint8Array, into?: Float32Array, offset = 0): Float32Array {
  if (buf.byteLength % 4 !== 0) throw new Error(`float32 blob has ${buf.byteLength} bytes, not a multiple of 4`);
  const n = buf.byteLength / 4;
  const out = into ?? new Float32Array(n);
  if (LE) {
    new Uint8Array(out.buffer, out.byteOffset + offset * 4, buf.byteLength).set(buf);
  } else {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < n; i++) out[offset + i] = view.getFloat32(i * 4, true);
  }
  return into ? out.subarray(offset, offset + n) : out;
}
