import type { ExecuteValues, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { formatDims, type PackedVectors } from '../vectors/packedVectors.js';
import { HASH_COLS, type EmbeddingTable } from './embeddingTables.js';

export interface EmbeddingRow {
  key: number;
  vectors: PackedVectors;
  hashes: (string | null)[];
  model: string;
  source: 'matching_vectors' | 'text';
  sourceRowId: number | null;
  sourceUpdatedAt: Date | null;
}

export interface BatchWrite {
  upserts: EmbeddingRow[];
  deletes: number[];
  /** Rows whose content is unchanged but whose source row id / updated_at moved. */
  touches?: { key: number; sourceRowId: number | null; sourceUpdatedAt: Date | null }[];
}

const ROW_OVERHEAD = 512;
const COLS = (t: EmbeddingTable) => [t.key, 'vectors', 'facet_mask', 'facet_dims', 'vectors_hash', ...HASH_COLS, 'model', 'source', 'source_row_id', 'source_updated_at'];
/** Prepared statements allow 65535 placeholders; stay well below. */
const MAX_ROWS_PER_STATEMENT = 1000;

export async function maxAllowedPacket(db: Db): Promise<number> {
  const [rows] = await db.pool.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS m');
  return Number(rows[0].m);
}

/** Bytes a statement may carry: under max_allowed_packet with room for SQL text and protocol headers. */
export const statementBudget = (maxPacket: number): number => Math.max(1 << 20, Math.floor(maxPacket * 0.75) - 65536);

export const rowBytes = (r: EmbeddingRow): number => r.vectors.blob.length + ROW_OVERHEAD;

/** Splits rows into statements of at most `budget` bytes (a single oversized row still goes alone). */
export function chunkRows(rows: EmbeddingRow[], budget: number): EmbeddingRow[][] {
  const out: EmbeddingRow[][] = [];
  let cur: EmbeddingRow[] = [];
  let bytes = 0;
  for (const r of rows) {
    const b = rowBytes(r);
    if (cur.length && (bytes + b > budget || cur.length >= MAX_ROWS_PER_STATEMENT)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(r);
    bytes += b;
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * One batch in one transaction: a failure leaves earlier batches committed and
 * this one absent, so the next incremental run picks up exactly what is missing.
 * Prepared statements (execute) send Buffers as raw bytes; query() would inline
 * them as hex literals, doubling the bytes on the wire and the packet size.
 * VALUES() in ON DUPLICATE KEY UPDATE is deprecated in MySQL 8.0.20+ but is the
 * only form MariaDB accepts (MariaDB has no `AS new` row alias).
 */
export async function writeBatch(db: Db, t: EmbeddingTable, batch: BatchWrite, budget: number): Promise<void> {
  if (batch.upserts.length === 0 && batch.deletes.length === 0 && !batch.touches?.length) return;
  const conn: PoolConnection = await db.pool.getConnection();
  try {
    await conn.beginTransaction();
    const cols = COLS(t);
    const update = cols.slice(1).map((c) => `${c} = VALUES(${c})`).join(', ');
    const rowSql = `(${cols.map(() => '?').join(', ')})`;
    for (const chunk of chunkRows(batch.upserts, budget)) {
      const params: ExecuteValues[] = [];
      for (const r of chunk) {
        const v = r.vectors;
        params.push(r.key, v.blob, v.mask, formatDims(v.dims), v.hash, ...r.hashes, r.model, r.source, r.sourceRowId, r.sourceUpdatedAt);
      }
      await conn.execute(
        `INSERT INTO ${t.name} (${cols.join(', ')}) VALUES ${chunk.map(() => rowSql).join(', ')} ON DUPLICATE KEY UPDATE ${update}, updated_at = CURRENT_TIMESTAMP(3)`,
        params,
      );
    }
    for (let i = 0; i < batch.deletes.length; i += 1000) {
      await conn.query(`DELETE FROM ${t.name} WHERE ${t.key} IN (?)`, [batch.deletes.slice(i, i + 1000)]);
    }
    for (const x of batch.touches ?? []) {
      await conn.execute(`UPDATE ${t.name} SET source_row_id = ?, source_updated_at = ? WHERE ${t.key} = ?`, [x.sourceRowId, x.sourceUpdatedAt, x.key]);
    }
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => {});
    throw e;
  } finally {
    conn.release();
  }
}
