import { mkdirSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { storedHash } from './packedVectors.js';

const MAGIC = 0x3256_4d46; // "FMV2": v1 files (no checksum) are not read, the cache starts cold
/** magic u32, id f64, hash 8 bytes, dims text length u16, blob length u32, crc32 of dims text + blob u32 */
const HEAD = 4 + 8 + 8 + 2 + 4 + 4;
/** Bytes one read of consecutive records takes at most. */
const RUN_BYTES = 16 << 20;

interface Entry {
  hash: string;
  at: number;
  dimsLen: number;
  blobLen: number;
  crc: number;
}

export interface CacheStats {
  /** Rows served from the cache (the database's vectors_hash now, and bytes as they were stored). */
  hits: number;
  /** Rows not in the cache, or cached under another hash (changed since): read from the database. */
  misses: number;
  /** Rows whose cached bytes are not what was stored (a damaged file), or offered under a hash they do not have: read from the database. */
  rejected: number;
  /** Rows added to the cache. */
  stored: number;
}

export type CachedRow = { dims: string; blob: Buffer };

/**
 * A local copy of one side's packed vectors (talent_embeddings or job_embeddings
 * rows: facet_dims and the vectors blob), so an incremental run need not read
 * every unchanged vector from the database again. It can never change a result:
 * a row goes in only when sha256(facet_dims + "\n" + blob) equals the
 * vectors_hash it came with (the definition of vectors_hash,
 * src/vectors/packedVectors.ts), and comes out only under the vectors_hash the
 * database has now and when its bytes still have the crc32 they were stored
 * with (a damaged file: read from the database). crc32 rather than sha256 on
 * the way out: it is the read every increment pays for every unchanged vector,
 * and it only has to catch damage, the sha256 was checked on the way in.
 * An append-only file: the newest record of an id wins; a damaged tail is cut
 * off when opened; rewritten in id order without dead records when they are
 * most of it. Records of one read are appended together, so a page of ids is
 * one read of consecutive bytes the next time.
 */
export class VectorCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, rejected: 0, stored: 0 };
  private readonly index = new Map<number, Entry>();
  private end = 0;
  private liveBytes = 0;
  private coldWhy: string | null;

  private constructor(
    readonly path: string,
    private fh: FileHandle,
    coldReason: string | null,
  ) {
    this.coldWhy = coldReason;
  }

  /** Why the cache started out empty, or null when it had entries. */
  get coldReason(): string | null {
    return this.coldWhy;
  }

  /** The cache file of one side of one database, in `dir` (created when missing). */
  static fileFor(dir: string, db: { host: string; port: number; database: string }, side: 'talent' | 'job'): string {
    const name = `${db.host}_${db.port}_${db.database}`.replace(/[^A-Za-z0-9_.-]/g, '_');
    return join(dir, `${name}.${side}.fmvc`);
  }

  static async open(path: string, dir: string): Promise<VectorCache> {
    mkdirSync(dir, { recursive: true });
    const existed = await stat(path).then(
      (s) => s.size > 0,
      () => false,
    );
    const fh = await open(path, existed ? 'r+' : 'w+');
    const cache = new VectorCache(path, fh, existed ? null : `${path} did not exist (first run on this host, or a disk that does not persist)`);
    if (existed) await cache.scan();
    return cache;
  }

  get size(): number {
    return this.index.size;
  }

  private async scan(): Promise<void> {
    const size = (await this.fh.stat()).size;
    const head = Buffer.alloc(HEAD);
    let at = 0;
    while (at + HEAD <= size) {
      const { bytesRead } = await this.fh.read(head, 0, HEAD, at);
      if (bytesRead < HEAD || head.readUInt32LE(0) !== MAGIC) break;
      const dimsLen = head.readUInt16LE(20);
      const blobLen = head.readUInt32LE(22);
      if (at + HEAD + dimsLen + blobLen > size) break;
      const id = head.readDoubleLE(4);
      const old = this.index.get(id);
      if (old) this.liveBytes -= HEAD + old.dimsLen + old.blobLen;
      this.index.set(id, { hash: head.subarray(12, 20).toString('hex'), at, dimsLen, blobLen, crc: head.readUInt32LE(26) });
      this.liveBytes += HEAD + dimsLen + blobLen;
      at += HEAD + dimsLen + blobLen;
    }
    // A torn last append (killed mid-write): cut it off, later appends start clean.
    if (at < size) await this.fh.truncate(at);
    if (at === 0) this.coldWhy = `${this.path} held no record of this format (an older fitmatch, or damaged); it is rebuilt`;
    this.end = at;
  }

  /** The cached row of `id` when it is cached under `hashHex` (the database's vectors_hash now) and undamaged, else null. */
  async get(id: number, hashHex: string): Promise<CachedRow | null> {
    return (await this.getMany([id], [hashHex]))[0];
  }

  /**
   * The cached rows of `ids` (each under the database's vectors_hash now), null
   * where not cached, changed or damaged. Records next to each other in the
   * file are read with one read.
   */
  async getMany(ids: ArrayLike<number>, hashHex: readonly string[]): Promise<(CachedRow | null)[]> {
    const out: (CachedRow | null)[] = new Array(ids.length).fill(null);
    const wanted: { i: number; e: Entry }[] = [];
    for (let i = 0; i < ids.length; i++) {
      const e = this.index.get(ids[i]);
      if (!e || e.hash !== hashHex[i]) this.stats.misses++;
      else wanted.push({ i, e });
    }
    wanted.sort((a, b) => a.e.at - b.e.at);
    for (let r = 0; r < wanted.length; ) {
      const from = wanted[r].e.at;
      let to = from + HEAD + wanted[r].e.dimsLen + wanted[r].e.blobLen;
      let n = r + 1;
      while (n < wanted.length && wanted[n].e.at === to && to - from < RUN_BYTES) {
        to += HEAD + wanted[n].e.dimsLen + wanted[n].e.blobLen;
        n++;
      }
      const buf = Buffer.allocUnsafe(to - from);
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, from);
      for (; r < n; r++) {
        const { i, e } = wanted[r];
        const at = e.at - from + HEAD;
        const bytes = at + e.dimsLen + e.blobLen <= bytesRead ? buf.subarray(at, at + e.dimsLen + e.blobLen) : null;
        if (!bytes || crc32(bytes) !== e.crc) {
          this.stats.rejected++;
          this.index.delete(ids[i]);
          continue;
        }
        this.stats.hits++;
        out[i] = { dims: bytes.subarray(0, e.dimsLen).toString('latin1'), blob: bytes.subarray(e.dimsLen) };
      }
    }
    return out;
  }

  /** Keeps a row read from the database, under the vectors_hash the database gave with it. */
  async put(id: number, hashHex: string, dims: string, blob: Buffer): Promise<void> {
    await this.putMany([{ id, hashHex, dims, blob }]);
  }

  /** Keeps rows read from the database (each under the vectors_hash it came with), appended with one write. */
  async putMany(rows: readonly { id: number; hashHex: string; dims: string; blob: Buffer }[]): Promise<void> {
    const parts: Buffer[] = [];
    const added: [number, Entry][] = [];
    let at = this.end;
    for (const { id, hashHex, dims, blob } of rows) {
      if (this.index.get(id)?.hash === hashHex) continue;
      const hash = Buffer.from(hashHex, 'hex');
      if (hash.length !== 8) continue;
      // Never keep bytes that are not what their hash says (the database's own pairing is checked once here).
      if (storedHash(dims, blob) !== hashHex) {
        this.stats.rejected++;
        continue;
      }
      const d = Buffer.from(dims, 'latin1');
      const crc = crc32(blob, crc32(d));
      const head = Buffer.alloc(HEAD);
      head.writeUInt32LE(MAGIC, 0);
      head.writeDoubleLE(id, 4);
      hash.copy(head, 12);
      head.writeUInt16LE(d.length, 20);
      head.writeUInt32LE(blob.length, 22);
      head.writeUInt32LE(crc, 26);
      parts.push(head, d, blob);
      added.push([id, { hash: hashHex, at, dimsLen: d.length, blobLen: blob.length, crc }]);
      at += HEAD + d.length + blob.length;
    }
    if (!added.length) return;
    const from = this.end;
    this.end = at;
    // writev takes at most IOV_MAX (1024) buffers per call.
    for (let p = 0, pos = from; p < parts.length; p += 960) {
      const chunk = parts.slice(p, p + 960);
      await this.fh.writev(chunk, pos);
      pos += chunk.reduce((s, b) => s + b.length, 0);
    }
    for (const [id, e] of added) {
      const old = this.index.get(id);
      if (old) this.liveBytes -= HEAD + old.dimsLen + old.blobLen;
      this.index.set(id, e);
      this.liveBytes += HEAD + e.dimsLen + e.blobLen;
      this.stats.stored++;
    }
  }

  /** Closes the file, first rewriting it without dead records when they are more than half of it. */
  async close(): Promise<void> {
    if (this.end > 2 * this.liveBytes + (1 << 20)) await this.compact();
    await this.fh.close();
  }

  private async compact(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const out = await open(tmp, 'w');
    try {
      let at = 0;
      for (const id of [...this.index.keys()].sort((a, b) => a - b)) {
        const e = this.index.get(id)!;
        const buf = Buffer.alloc(HEAD + e.dimsLen + e.blobLen);
        await this.fh.read(buf, 0, buf.length, e.at);
        if (buf.readUInt32LE(0) !== MAGIC || buf.readDoubleLE(4) !== id) continue;
        await out.write(buf, 0, buf.length, at);
        at += buf.length;
      }
      await out.sync();
    } catch (e) {
      await out.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await out.close();
    await rename(tmp, this.path);
  }
}
