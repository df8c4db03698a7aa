import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDims, packVectors } from '../../src/vectors/packedVectors.js';
import { VectorCache } from '../../src/vectors/VectorCache.js';

const row = (seed: number) => {
  const p = packVectors([Float32Array.from([seed, 1, 2]), null, null, null, null, Float32Array.from([3, seed])]);
  return { dims: formatDims(p.dims), blob: Buffer.from(p.blob), hash: p.hash };
};

describe('VectorCache', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitmatch-vc-'));
    dirs.push(dir);
    return { dir, file: VectorCache.fileFor(dir, { host: '127.0.0.1', port: 3306, database: 'db/x' }, 'talent') };
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('serves a row only under the vectors_hash it was stored with, and survives reopening', async () => {
    const { dir, file } = fresh();
    expect(file).toMatch(/127\.0\.0\.1_3306_db_x\.talent\.fmvc$/);
    const c = await VectorCache.open(file, dir);
    expect(c.coldReason).toMatch(/did not exist/);
    const a = row(1);
    await c.put(7, a.hash, a.dims, a.blob);
    expect(await c.get(7, a.hash)).toEqual({ dims: a.dims, blob: a.blob });
    expect(await c.get(7, row(2).hash)).toBeNull(); // changed since: a miss
    await c.close();
    const again = await VectorCache.open(file, dir);
    expect(again.coldReason).toBeNull();
    expect(await again.get(7, a.hash)).toEqual({ dims: a.dims, blob: a.blob });
    expect(again.stats).toMatchObject({ hits: 1, misses: 0, rejected: 0 });
    await again.close();
  });

  it('rejects bytes that do not hash to the hash they were stored under', async () => {
    const { dir, file } = fresh();
    const c = await VectorCache.open(file, dir);
    const a = row(3);
    await c.put(9, a.hash, a.dims, Buffer.from(a.blob.map((b, i) => (i === 0 ? b ^ 1 : b))));
    expect(await c.get(9, a.hash)).toBeNull();
    expect(c.stats.rejected).toBe(1);
    await c.close();
  });

  it('reads a page of rows in one go, and rejects only the damaged one among them', async () => {
    const { dir, file } = fresh();
    const c = await VectorCache.open(file, dir);
    const rows = [10, 11, 12, 13].map((seed) => ({ id: seed, ...row(seed) }));
    await c.putMany(rows.map((r) => ({ id: r.id, hashHex: r.hash, dims: r.dims, blob: r.blob })));
    await c.close();
    // Flip the last byte of the third record (records are 30 bytes of header, the dims text and the blob).
    const bytes = readFileSync(file);
    let at = 0;
    for (let k = 0; k < 3; k++) at += 30 + bytes.readUInt16LE(at + 20) + bytes.readUInt32LE(at + 22);
    bytes[at - 1] ^= 0x01;
    writeFileSync(file, bytes);
    const again = await VectorCache.open(file, dir);
    const got = await again.getMany(
      rows.map((r) => r.id),
      rows.map((r) => r.hash),
    );
    expect(got.map((g) => (g ? g.blob : null))).toEqual([rows[0].blob, rows[1].blob, null, rows[3].blob]);
    expect(again.stats).toMatchObject({ hits: 3, rejected: 1, misses: 0 });
    await again.close();
  });

  it('starts cold, and says so, on a file of another format', async () => {
    const { dir, file } = fresh();
    writeFileSync(file, Buffer.alloc(100, 7));
    const c = await VectorCache.open(file, dir);
    expect(c.size).toBe(0);
    expect(c.coldReason).toMatch(/no record of this format/);
    await c.close();
  });

  it('cuts off a torn last record, keeps the rest, and appends cleanly after it', async () => {
    const { dir, file } = fresh();
    const c = await VectorCache.open(file, dir);
    const [a, b] = [row(4), row(5)];
    await c.put(1, a.hash, a.dims, a.blob);
    await c.close();
    const good = statSync(file).size;
    appendFileSync(file, Buffer.from([0x46, 0x4d, 0x56, 0x43, 1, 2, 3]));
    const reopened = await VectorCache.open(file, dir);
    expect(statSync(file).size).toBe(good);
    await reopened.put(2, b.hash, b.dims, b.blob);
    expect(await reopened.get(1, a.hash)).not.toBeNull();
    expect(await reopened.get(2, b.hash)).not.toBeNull();
    await reopened.close();
  });

  it('drops dead records when they are most of the file', async () => {
    const { dir, file } = fresh();
    const c = await VectorCache.open(file, dir);
    const big = (seed: number) => {
      const p = packVectors([Float32Array.from({ length: 200_000 }, (_, i) => Math.sin(i + seed)), null, null, null, null, null]);
      return { dims: formatDims(p.dims), blob: Buffer.from(p.blob), hash: p.hash };
    };
    for (let v = 0; v < 4; v++) {
      const r = big(v);
      await c.put(1, r.hash, r.dims, r.blob);
    }
    const last = big(3);
    await c.close();
    expect(statSync(file).size).toBeLessThan(last.blob.length + 100);
    const again = await VectorCache.open(file, dir);
    expect(await again.get(1, last.hash)).toEqual({ dims: last.dims, blob: last.blob });
    await again.close();
  });
});
