import type { Pool, PoolConnection } from 'mysql2/promise';
import { FACETS, FACET_COUNT } from '../facets.js';
import { parseDims, unpackVectors } from '../vectors/packedVectors.js';
import { allocBlock, chooseFacetDims, fillRow, trimBlock, type BlobSkips } from './embeddingBlock.js';
import { vectorsQuery, type SqlQuery } from './eligibility.js';
import type { EmbeddingBlock } from './types.js';

/** Ids per vector query: bounds the driver's transient Buffers (six blobs a row). */
const PAGE_ROWS = 256;

type Row = [number | string, string, Buffer];

/**
 * Reads the vectors of a fixed, ascending id list straight into caller-owned
 * blocks. Off-page BLOBs are read one InnoDB page at a time, so several
 * queries run at once (`parallel` connections) to keep the disk busy.
 */
export class EmbeddingReader {
  private next = 0;
  /** Ids whose vectors were read, and those left with no usable facet (or deleted meanwhile). */
  readonly stats = { read: 0, unusable: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly side: 'talent' | 'job',
    private readonly ids: Float64Array,
    private readonly dims: number[],
    private readonly skips: BlobSkips,
    /** Stops readAll early (the caller then throws InterruptedError). */
    private readonly signal?: AbortSignal,
    private readonly parallel = 4,
  ) {}

  get exhausted(): boolean {
    return this.next >= this.ids.length;
  }

  /** Refills `block` from row 0 with the next ids, up to its capacity; block.rows = 0 means the end. */
  async fill(block: EmbeddingBlock): Promise<EmbeddingBlock> {
    const start = this.next;
    const end = Math.min(this.ids.length, start + block.ids.length);
    this.next = end;
    const keep = new Uint8Array(end - start);
    const pages: number[] = [];
    for (let p = start; p < end; p += PAGE_ROWS) pages.push(p);
    const worker = async () => {
      for (let p = pages.shift(); p !== undefined; p = pages.shift()) await this.readPage(block, start, p, Math.min(end, p + PAGE_ROWS), keep);
    };
    await Promise.all(Array.from({ length: Math.min(this.parallel, pages.length) }, worker));
    block.rows = compact(block, keep, this.dims);
    this.stats.read += end - start;
    this.stats.unusable += end - start - block.rows;
    return block;
  }

  private async readPage(block: EmbeddingBlock, base: number, from: number, to: number, keep: Uint8Array): Promise<void> {
    const q = vectorsQuery(this.side, Array.from(this.ids.subarray(from, to)));
    const [result] = await this.pool.query({ sql: q.sql, values: q.params, rowsAsArray: true });
    let i = from;
    for (const r of result as unknown as Row[]) {
      const id = Number(r[0]);
      while (i < to && this.ids[i] < id) i++; // deleted since the id list was read
      if (i >= to || this.ids[i] !== id) continue;
      const blobs = facetBlobs(r[1], r[2]);
      if (!blobs) {
        this.skips.corrupt++;
        continue;
      }
      keep[i - base] = fillRow(block, i - base, id, blobs, this.dims, this.skips) ? 1 : 0;
    }
  }

  /** Reads everything into blocks of `chunkRows` (the job side, held in memory for the whole run). */
  async readAll(chunkRows: number): Promise<EmbeddingBlock[]> {
    const blocks: EmbeddingBlock[] = [];
    while (!this.exhausted && !this.signal?.aborted) {
      const b = await this.fill(allocBlock(Math.min(chunkRows, this.ids.length - this.next), this.dims));
      if (b.rows > 0) blocks.push(trimBlock(b));
    }
    return blocks;
  }
}

/** Moves kept rows down over dropped ones, preserving id order; returns the row count. */
function compact(block: EmbeddingBlock, keep: Uint8Array, dims: number[]): number {
  let w = 0;
  for (let r = 0; r < keep.length; r++) {
    if (!keep[r]) continue;
    if (w !== r) {
      block.ids[w] = block.ids[r];
      block.mask[w] = block.mask[r];
      for (let f = 0; f < FACET_COUNT; f++) block.facets[f].copyWithin(w * dims[f], r * dims[f], (r + 1) * dims[f]);
    }
    w++;
  }
  return w;
}

export async function readIds(conn: PoolConnection, q: SqlQuery): Promise<Float64Array> {
  const [rows] = await conn.query({ sql: q.sql, values: q.params, rowsAsArray: true });
  return Float64Array.from(rows as unknown as [number | string][], (r) => Number(r[0]));
}

/** A row's facets as byte views, or null when its layout is unreadable (counted as corrupt). */
function facetBlobs(dimsText: string, blob: Buffer): (Uint8Array | null)[] | null {
  const dims = parseDims(dimsText);
  if (!dims) return null;
  try {
    return unpackVectors(blob, dims);
  } catch {
    return null;
  }
}

/**
 * Each facet's dimension: the length most stored rows have, on both sides. Rows
 * whose facet has another length are skipped for that facet (and counted) while
 * reading. facet_dims lives in the row itself, so this never touches a blob.
 */
export async function detectFacetDims(conn: PoolConnection): Promise<number[]> {
  const lengths = FACETS.map(() => new Map<number, number>());
  for (const table of ['talent_embeddings', 'job_embeddings']) {
    const [rows] = await conn.query(`SELECT facet_dims AS dims, COUNT(*) AS n FROM ${table} GROUP BY facet_dims`);
    for (const { dims, n } of rows as { dims: string; n: number }[]) {
      const parsed = parseDims(dims);
      parsed?.forEach((d, f) => d > 0 && lengths[f].set(d * 4, (lengths[f].get(d * 4) ?? 0) + Number(n)));
    }
  }
  return chooseFacetDims(lengths);
}
