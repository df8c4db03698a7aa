import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { FACETS } from '../facets.js';

const TABLE = 'matching_vector_lengths';
const LEN_COLS = FACETS.map((f) => `len_${f}`);
const ROWS_PER_STATEMENT = 2000;

/** What is known of one matching_vectors row: its six list lengths (null: no list) as of its updated_at. */
export interface RowLengths {
  /** matching_vectors.updated_at, ms since the epoch. */
  updatedAt: number;
  lengths: (number | null)[];
}

/** Every row's recorded lengths, paged by row id (a narrow table: about 40 bytes a row). */
export async function readRowLengths(db: Db, pageSize = 20_000): Promise<Map<number, RowLengths>> {
  const out = new Map<number, RowLengths>();
  for (let after = -1; ; ) {
    const [rows] = await db.pool.query<RowDataPacket[]>(
      `SELECT row_id, source_updated_at, ${LEN_COLS.join(', ')} FROM ${TABLE} WHERE row_id > ? ORDER BY row_id LIMIT ?`,
      [after, pageSize],
    );
    if (rows.length === 0) return out;
    for (const r of rows) {
      out.set(Number(r.row_id), { updatedAt: (r.source_updated_at as Date).getTime(), lengths: LEN_COLS.map((c) => (r[c] === null ? null : Number(r[c]))) });
    }
    after = Number(rows[rows.length - 1].row_id);
  }
}

/**
 * Records the lengths of rows read (replacing what was known of them) and forgets
 * rows that left matching_vectors. Each statement stands alone: every row is a
 * fact about one source row at one updated_at, so a partial write is still true.
 */
export async function writeRowLengths(db: Db, changes: { upserts: Map<number, RowLengths>; deletes: number[] }): Promise<void> {
  const upserts = [...changes.upserts];
  for (let i = 0; i < upserts.length; i += ROWS_PER_STATEMENT) {
    const values = upserts.slice(i, i + ROWS_PER_STATEMENT).map(([id, r]) => [id, new Date(r.updatedAt), ...r.lengths]);
    await db.pool.query(
      `INSERT INTO ${TABLE} (row_id, source_updated_at, ${LEN_COLS.join(', ')}) VALUES ? ` +
        `ON DUPLICATE KEY UPDATE source_updated_at = VALUES(source_updated_at), ${LEN_COLS.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
      [values],
    );
  }
  for (let i = 0; i < changes.deletes.length; i += ROWS_PER_STATEMENT) {
    await db.pool.query(`DELETE FROM ${TABLE} WHERE row_id IN (?)`, [changes.deletes.slice(i, i + ROWS_PER_STATEMENT)]);
  }
}
