import { describe, expect, it } from 'vitest';
import { MemoryVectors, type VectorSource } from '../../src/vectors/MemoryVectors.js';
import { formatDims, packVectors } from '../../src/vectors/packedVectors.js';

const row = (id: number, x: number) => {
  const p = packVectors([Float32Array.of(x, 1), null, null, null, null, null]);
  return { id, hashHex: p.hash, dims: formatDims(p.dims), blob: p.blob };
};

/** A file cache stand-in holding some rows. */
function backing(rows: ReturnType<typeof row>[]): VectorSource & { asked: number } {
  const s = {
    asked: 0,
    getMany: async (ids: ArrayLike<number>, hashes: readonly string[]) =>
      Array.from(ids, (id, i) => {
        s.asked++;
        const r = rows.find((x) => x.id === id && x.hashHex === hashes[i]);
        return r ? { dims: r.dims, blob: r.blob } : null;
      }),
    putMany: async () => undefined,
  };
  return s;
}

describe('MemoryVectors', () => {
  it('serves a row only under the hash it was read with, and remembers what a run read for the next run', async () => {
    const m = new MemoryVectors();
    const a = row(1, 0.5);
    const a2 = row(1, 0.7);
    await m.over(null).putMany([a]);
    const next = m.over(null);
    expect(await next.getMany([1], [a.hashHex])).toEqual([{ dims: a.dims, blob: a.blob }]);
    expect(await next.getMany([1], [a2.hashHex])).toEqual([null]);
    expect(m.hits).toBe(1);
  });

  it('takes what the file cache has, then answers from memory without asking it again', async () => {
    const m = new MemoryVectors();
    const b = row(2, 0.3);
    const file = backing([b]);
    expect(await m.over(file).getMany([2, 3], [b.hashHex, row(3, 1).hashHex])).toEqual([{ dims: b.dims, blob: b.blob }, null]);
    expect(file.asked).toBe(2);
    expect(await m.over(file).getMany([2], [b.hashHex])).toEqual([{ dims: b.dims, blob: b.blob }]);
    expect(file.asked).toBe(2);
  });

  it('never keeps bytes that are not what their hash says, and forgets ids a run no longer has', async () => {
    const m = new MemoryVectors();
    const good = row(4, 0.1);
    await m.over(null).putMany([{ ...row(5, 0.2), hashHex: good.hashHex }, good]);
    expect(m.size).toBe(1);
    m.retain([5]);
    expect(m.size).toBe(0);
  });
});
