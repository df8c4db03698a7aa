/**
 * The eligible sets a run fixed at its start, with each entity's vectors_hash:
 * every shard uses exactly these, and the next incremental run diffs against
 * the published run's snapshot. Hashes are kept as their 8 bytes.
 */
export interface SideSnapshot {
  /** Ascending. */
  ids: Float64Array;
  /** 8 bytes per id: vectors_hash as written (16 hex digits). */
  hashes: Uint8Array;
}

export interface RunSnapshot {
  talents: SideSnapshot;
  jobs: SideSnapshot;
}

export const HASH_BYTES = 8;

export function hashBytes(hex: string): Uint8Array {
  const b = Buffer.from(hex, 'hex');
  if (b.length !== HASH_BYTES) throw new Error(`vectors_hash "${hex}" is not ${HASH_BYTES * 2} hex digits`);
  return b;
}

export function sideFromRows(rows: readonly { id: number; hash: string }[]): SideSnapshot {
  const ids = new Float64Array(rows.length);
  const hashes = new Uint8Array(rows.length * HASH_BYTES);
  rows.forEach((r, i) => {
    ids[i] = r.id;
    hashes.set(hashBytes(r.hash), i * HASH_BYTES);
  });
  return { ids, hashes };
}

/** Whether entity i of a has the same hash as entity j of b. */
export function sameHash(a: SideSnapshot, i: number, b: SideSnapshot, j: number): boolean {
  for (let k = 0; k < HASH_BYTES; k++) if (a.hashes[i * HASH_BYTES + k] !== b.hashes[j * HASH_BYTES + k]) return false;
  return true;
}

const MAGIC = 0x31534d46; // "FMS1"

export function encodeSnapshot(s: RunSnapshot): Buffer {
  const t = s.talents.ids.length;
  const j = s.jobs.ids.length;
  const buf = Buffer.alloc(16 + 8 * (t + j) + HASH_BYTES * (t + j));
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(t, 4);
  buf.writeUInt32LE(j, 8);
  let at = 16;
  for (const a of [s.talents.ids, s.jobs.ids, s.talents.hashes, s.jobs.hashes]) {
    buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return buf;
}

export function decodeSnapshot(src: Uint8Array): RunSnapshot {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (src.byteLength < 16 || view.getUint32(0, true) !== MAGIC) throw new Error('snapshot data has an unknown format');
  const t = view.getUint32(4, true);
  const j = view.getUint32(8, true);
  if (src.byteLength !== 16 + (8 + HASH_BYTES) * (t + j)) throw new Error('snapshot data is truncated');
  const copy = new Uint8Array(src.byteLength);
  copy.set(src);
  const ids = (count: number, at: number) => new Float64Array(copy.buffer, at, count);
  const hashes = (count: number, at: number) => copy.subarray(at, at + count * HASH_BYTES);
  const idsEnd = 16 + 8 * (t + j);
  return {
    talents: { ids: ids(t, 16), hashes: hashes(t, idsEnd) },
    jobs: { ids: ids(j, 16 + 8 * t), hashes: hashes(j, idsEnd + HASH_BYTES * t) },
  };
}
