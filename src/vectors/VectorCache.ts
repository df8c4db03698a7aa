import { mkdirSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { storedHash } from './packedVectors.js';

const MAGIC = 0x43564d46; // "FMVC"
/** magic u32, id f64, hash 8 bytes, dims text length u16, blob length u32 */
const HEAD = 4 + 8 + 8 + 2 + 4;

interface Entry {
  hash: string;
  at: number;
  dimsLen: number;
  blobLen: number;
}

export interface CacheStats {
  /** Rows served from the cache (their bytes hash to the database's vectors_hash). */
  hits: number;
  /** Rows not in the cache, or cached under another hash (changed since): read from the database. */
  misses: number;
  /** Rows whose cached bytes do not hash to their vectors_hash (a damaged file): read from the database. */
  rejected: number;
  /** Rows added to the cache. */
  stored: number;
}

/**
 * A local copy of one side's packed vectors (talent_embeddings or job_embeddings
 * rows: facet_dims and the vectors blob), so an incremental run need not read
 * every unchanged vector from the database again. It can never change a result:
 * a row is used only when sha256(facet_dims + "\n" + blob) of the cached bytes
 * equals the vectors_hash the database has now (the definition of vectors_hash,
 * src/vectors/packedVectors.ts); anything else is read from the database.
 * An append-only file: the newest record of an id wins; a damaged tail is cut
 * off when opened; rewritten without dead records when they are most of it.
 */
export class VectorCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, rejected: 0, stored: 0 };
  private readonly index = new Map<number, Entry>();
  private end = 0;
  private liveBytes = 0;

  private constructor(
    readonly path: string,
    private fh: FileHandle,
    /** Why the cache started out empty, or null when it had entries. */
    readonly coldReason: string | null,
  ) {}

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
      this.index.set(id, { hash: head.subarray(12, 20).toString('hex'), at, dimsLen, blobLen });
      this.liveBytes += HEAD + dimsLen + blobLen;
      at += HEAD + dimsLen + blobLen;
    }
    // A torn last append (killed mid-write): cut it off, later appends start clean.
    if (at < size) await this.fh.truncate(at);
    this.end = at;
  }

  /** The cached row of `id` when its bytes hash to `hashHex` (the database's vectors_hash now), else null. */
  async get(id: number, hashHex: string): Promise<{ dims: string; blob: Buffer } | null> {
    const e = this.index.get(id);
    if (!e || e.hash !== hashHex) {
      this.stats.misses++;
      return null;
    }
    const buf = Buffer.alloc(e.dimsLen + e.blobLen);
    const { bytesRead } = await this.fh.read(buf, 0, buf.length, e.at + HEAD);
    const dims = buf.subarray(0, e.dimsLen).toString('latin1');
    const blob = buf.subarray(e.dimsLen);
    if (bytesRead < buf.length || storedHash(dims, blob) !== hashHex) {
      this.stats.rejected++;
      this.index.delete(id);
      return null;
    }
    this.stats.hits++;
    return { dims, blob };
  }

  /** Keeps a row read from the database, under the vectors_hash the database gave with it. */
  async put(id: number, hashHex: string, dims: string, blob: Buffer): Promise<void> {
    const hash = Buffer.from(hashHex, 'hex');
    if (hash.length !== 8) return;
    const old = this.index.get(id);
    if (old?.hash === hashHex) return;
    const d = Buffer.from(dims, 'latin1');
    const head = Buffer.alloc(HEAD);
    head.writeUInt32LE(MAGIC, 0);
    head.writeDoubleLE(id, 4);
    hash.copy(head, 12);
    head.writeUInt16LE(d.length, 20);
    head.writeUInt32LE(blob.length, 22);
    const at = this.end;
    this.end += HEAD + d.length + blob.length;
    await this.fh.writev([head, d, blob], at);
    if (old) this.liveBytes -= HEAD + old.dimsLen + old.blobLen;
    this.index.set(id, { hash: hashHex, at, dimsLen: d.length, blobLen: blob.length });
    this.liveBytes += HEAD + d.length + blob.length;
    this.stats.stored++;
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
      for (const [id, e] of this.index) {
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
