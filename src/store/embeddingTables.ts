import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { FACETS } from '../facets.js';
import { parseDims, unpackVectors } from '../vectors/packedVectors.js';

export type EntityKind = 'talent' | 'job';

export interface EmbeddingTable {
  kind: EntityKind;
  name: 'talent_embeddings' | 'job_embeddings';
  key: 'talent_user_id' | 'job_posting_id';
}

export const TABLES: Record<EntityKind, EmbeddingTable> = {
  talent: { kind: 'talent', name: 'talent_embeddings', key: 'talent_user_id' },
  job: { kind: 'job', name: 'job_embeddings', key: 'job_posting_id' },
};

export const HASH_COLS = FACETS.map((f) => `hash_${f}`);

/** Where a stored row came from: enough to tell whether its source row moved. */
export interface StoredPointer {
  source: string;
  model: string;
  sourceRowId: number | null;
  sourceUpdatedAt: number | null;
}

/** A stored row without its vectors: enough to decide whether it is up to date. */
export interface StoredMeta extends StoredPointer {
  hashes: (string | null)[];
}

const pointerOf = (r: RowDataPacket): StoredPointer => ({
  source: r.source,
  model: r.model,
  sourceRowId: r.source_row_id === null ? null : Number(r.source_row_id),
  sourceUpdatedAt: r.source_updated_at === null ? null : (r.source_updated_at as Date).getTime(),
});

async function pageStored<T>(db: Db, t: EmbeddingTable, extraCols: string[], map: (r: RowDataPacket) => T, pageSize: number): Promise<Map<number, T>> {
  const out = new Map<number, T>();
  // No `vectors` here, not even IS NOT NULL: InnoDB would read every off-page blob to answer it.
  const cols = [`${t.key} AS k`, 'source', 'model', 'source_row_id', 'source_updated_at', ...extraCols].join(', ');
  for (let after = -1; ; ) {
    const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT ${cols} FROM ${t.name} WHERE ${t.key} > ? ORDER BY ${t.key} LIMIT ?`, [after, pageSize]);
    if (rows.length === 0) return out;
    for (const r of rows) out.set(Number(r.k), map(r));
    after = Number(rows[rows.length - 1].k);
  }
}

/** Every stored row's metadata with its six source hashes, paged by key (vectors stay on the server). */
export const readStoredMeta = (db: Db, t: EmbeddingTable, pageSize = 5000): Promise<Map<number, StoredMeta>> =>
  pageStored(db, t, HASH_COLS, (r) => ({ ...pointerOf(r), hashes: HASH_COLS.map((c) => r[c] as string | null) }), pageSize);

/** Every stored row's pointer, without the hashes: a sixth of the bytes, for deciding which entities to read. */
export const readStoredPointers = (db: Db, t: EmbeddingTable, pageSize = 10_000): Promise<Map<number, StoredPointer>> => pageStored(db, t, [], pointerOf, pageSize);

/** The six source hashes of some stored rows. */
export async function readStoredHashes(db: Db, t: EmbeddingTable, keys: number[]): Promise<Map<number, (string | null)[]>> {
  const out = new Map<number, (string | null)[]>();
  for (let i = 0; i < keys.length; i += 5000) {
    const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT ${t.key} AS k, ${HASH_COLS.join(', ')} FROM ${t.name} WHERE ${t.key} IN (?)`, [keys.slice(i, i + 5000)]);
    for (const r of rows) out.set(Number(r.k), HASH_COLS.map((c) => r[c] as string | null));
  }
  return out;
}

/** Stored facet vectors of some rows as float32 LE bytes (text source: facets kept while others are re-embedded). */
export async function readStoredVectors(db: Db, t: EmbeddingTable, keys: number[]): Promise<Map<number, (Uint8Array | null)[]>> {
  const out = new Map<number, (Uint8Array | null)[]>();
  if (keys.length === 0) return out;
  const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT ${t.key} AS k, vectors, facet_dims FROM ${t.name} WHERE ${t.key} IN (?)`, [keys]);
  for (const r of rows) {
    // A row another writer left unreadable is re-embedded whole rather than half-reused.
    const dims = parseDims(String(r.facet_dims));
    try {
      if (dims) out.set(Number(r.k), unpackVectors(r.vectors as Buffer, dims));
    } catch {
      continue;
    }
  }
  return out;
}
