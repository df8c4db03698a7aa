import { storedHash } from './packedVectors.js';
import type { CachedRow } from './VectorCache.js';

/** What VectorReader reads vectors through besides the database: the local file cache, or this. */
export interface VectorSource {
  getMany(ids: ArrayLike<number>, hashHex: readonly string[]): Promise<(CachedRow | null)[]>;
  putMany(rows: readonly { id: number; hashHex: string; dims: string; blob: Buffer }[]): Promise<void>;
}

/**
 * One side's packed vectors kept in memory by a long-lived process (`watch`)
 * between its runs, keyed by id and served only under the vectors_hash the
 * run's snapshot has now, like the file cache. The rows come from the
 * database (or the file cache) through a run's reads, never from anywhere
 * else, so a row is what that vectors_hash was read with. Each run layers it
 * over that run's file cache, if any (`over`).
 */
export class MemoryVectors {
  private readonly rows = new Map<number, { hashHex: string; dims: string; blob: Buffer }>();
  hits = 0;

  get size(): number {
    return this.rows.size;
  }

  /** A source for one run: memory first, then `backing` (whose hits are kept); what the run reads from the database goes into both. */
  over(backing: VectorSource | null): VectorSource {
    return {
      getMany: async (ids, hashHex) => {
        const out: (CachedRow | null)[] = new Array(ids.length).fill(null);
        const missing: number[] = [];
        for (let i = 0; i < ids.length; i++) {
          const r = this.rows.get(ids[i]);
          if (r && r.hashHex === hashHex[i]) {
            out[i] = { dims: r.dims, blob: r.blob };
            this.hits++;
          } else missing.push(i);
        }
        if (backing && missing.length) {
          const got = await backing.getMany(missing.map((i) => ids[i]), missing.map((i) => hashHex[i]));
          missing.forEach((i, k) => {
            const g = got[k];
            if (!g) return;
            out[i] = g;
            // Own copies: a file cache's rows are views of one read buffer, which would stay alive whole.
            this.rows.set(ids[i], { hashHex: hashHex[i], dims: g.dims, blob: Buffer.from(g.blob) });
          });
        }
        return out;
      },
      putMany: async (rows) => {
        // As the file cache does: only bytes that are what their vectors_hash says.
        for (const r of rows) if (storedHash(r.dims, r.blob) === r.hashHex) this.rows.set(r.id, { hashHex: r.hashHex, dims: r.dims, blob: Buffer.from(r.blob) });
        await backing?.putMany(rows);
      },
    };
  }

  /** Drops the rows of ids not in `keep` (postings closed or deleted since). */
  retain(keep: ArrayLike<number>): void {
    const live = new Set(Array.from(keep));
    for (const id of this.rows.keys()) if (!live.has(id)) this.rows.delete(id);
  }
}
