import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { FACETS } from '../facets.js';
import { addLength, emptyHistograms, type LengthHistogram } from '../backfill/inferDims.js';

const COLS = FACETS.map((f) => `vector_${f}`);

/** What the planner needs of a matching_vectors row, without its payloads. */
export interface SourceRowMeta {
  id: number;
  userId: number;
  role: string;
  /** users.role of the row's user ('talent', 'company', ...); null when the user is gone. */
  userRole: string | null;
  jobPostingId: number | null;
  updatedAt: Date;
  hasProfile: boolean;
  talentDeleted: boolean;
  hasPosting: boolean;
  postingDeleted: boolean;
  postingOwner: number | null;
}

/** Keyset page of row metadata; never touches the JSON columns. */
export async function readMetaPage(db: Db, afterId: number, limit: number): Promise<SourceRowMeta[]> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT mv.id, mv.user_id, mv.role, u.role AS user_role, mv.job_posting_id, mv.updated_at,
            tp.user_id IS NOT NULL AS has_profile,
            (tp.deleted_at IS NOT NULL OR u.deleted_at IS NOT NULL) AS talent_deleted,
            jp.id IS NOT NULL AS has_posting, jp.deleted_at IS NOT NULL AS posting_deleted,
            c.owner_user_id AS posting_owner
       FROM matching_vectors mv
       LEFT JOIN users u ON u.id = mv.user_id
       LEFT JOIN talent_profiles tp ON tp.user_id = mv.user_id
       LEFT JOIN job_postings jp ON jp.id = mv.job_posting_id
       LEFT JOIN companies c ON c.id = jp.company_id
      WHERE mv.id > ? ORDER BY mv.id LIMIT ?`,
    [afterId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    userId: Number(r.user_id),
    role: r.role,
    userRole: r.user_role ?? null,
    jobPostingId: r.job_posting_id === null ? null : Number(r.job_posting_id),
    updatedAt: r.updated_at,
    hasProfile: !!r.has_profile,
    talentDeleted: !!r.talent_deleted,
    hasPosting: !!r.has_posting,
    postingDeleted: !!r.posting_deleted,
    postingOwner: r.posting_owner === null ? null : Number(r.posting_owner),
  }));
}

/** Cheap fingerprint of the table's (id, updated_at) set: unchanged means the inferred dims are too. */
export async function sourceFingerprint(db: Db): Promise<string> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS maxid,
            COALESCE(SUM(CRC32(CONCAT(id, '/', updated_at))), 0) AS crc
       FROM matching_vectors`,
  );
  const r = rows[0];
  return `${r.n}:${r.maxid}:${r.crc}`;
}

/**
 * The list length of a facet payload, computed by the server so payloads are
 * not shipped and parsed twice: a top-level array, or the array under the
 * first present key of vector/values/embedding. NULL for any other shape.
 * JSON_TYPE/JSON_LENGTH/JSON_CONTAINS_PATH behave the same on MySQL 8 and
 * MariaDB; on MySQL 8 they read the binary JSON header and are cheap.
 */
export function exactLengthExpr(col: string): string {
  const key = (k: string) =>
    `WHEN JSON_CONTAINS_PATH(${col}, 'one', '$.${k}') THEN IF(JSON_TYPE(JSON_EXTRACT(${col}, '$.${k}')) = 'ARRAY', JSON_LENGTH(${col}, '$.${k}'), NULL)`;
  return `CASE JSON_TYPE(${col}) WHEN 'ARRAY' THEN JSON_LENGTH(${col}) WHEN 'OBJECT' THEN CASE ${key('vector')} ${key('values')} ${key('embedding')} END END`;
}

/**
 * MariaDB keeps JSON as text and every JSON or string function re-scans the
 * whole ~16 KB payload (~40 MB/s each, measured; REPLACE-based comma counting
 * is no faster). This form scans once for lists and for {"vector": [..]}
 * objects: LEFT(c, 1) is O(1), and COALESCE stops at the first key present,
 * which is also the app's priority order. One approximation, documented: a
 * non-list under the key counts as its JSON_LENGTH (1 for a scalar) instead of
 * no length. That only feeds the histogram; validity is decided when parsing.
 */
export function mariadbLengthExpr(col: string): string {
  return (
    `CASE LEFT(${col}, 1) WHEN '[' THEN JSON_LENGTH(${col}) ` +
    `WHEN '{' THEN COALESCE(JSON_LENGTH(${col}, '$.vector'), JSON_LENGTH(${col}, '$.values'), JSON_LENGTH(${col}, '$.embedding')) END`
  );
}

export async function isMariaDb(db: Db): Promise<boolean> {
  const [rows] = await db.pool.query<RowDataPacket[]>('SELECT VERSION() AS v');
  return /mariadb/i.test(String(rows[0].v));
}

/**
 * Per-facet length histograms over every row. The id range is split into
 * `streams` slices paged concurrently on separate connections: the server
 * evaluates JSON functions single-threaded per query, so this is what lets it
 * use more than one core.
 */
export async function readLengthHistograms(db: Db, opts: { pageSize?: number; streams?: number; signal?: AbortSignal } = {}): Promise<LengthHistogram> {
  const h = emptyHistograms();
  const expr = (await isMariaDb(db)) ? mariadbLengthExpr : exactLengthExpr;
  const select = COLS.map((c, f) => `${expr(c)} AS l${f}`).join(', ');
  const [[range]] = await db.pool.query<RowDataPacket[]>('SELECT COALESCE(MIN(id), 0) AS lo, COALESCE(MAX(id), 0) AS hi FROM matching_vectors');
  const lo = Number(range.lo) - 1;
  const hi = Number(range.hi);
  const streams = Math.max(1, opts.streams ?? 2);
  const step = Math.ceil((hi - lo) / streams);
  const slice = async (from: number, to: number) => {
    for (let after = from; ; ) {
      opts.signal?.throwIfAborted();
      const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT id, ${select} FROM matching_vectors WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`, [after, to, opts.pageSize ?? 1000]);
      if (rows.length === 0) return;
      for (const r of rows) for (let f = 0; f < COLS.length; f++) addLength(h, f, r[`l${f}`] === null ? null : Number(r[`l${f}`]));
      after = Number(rows[rows.length - 1].id);
    }
  };
  await Promise.all(Array.from({ length: streams }, (_, i) => slice(lo + i * step, i === streams - 1 ? hi : lo + (i + 1) * step)));
  return h;
}

export interface SourcePayloadRow {
  id: number;
  updatedAt: Date;
  /** Six payloads as text (CAST so MySQL 8 and MariaDB both return strings), null where SQL NULL. */
  payloads: (string | null)[];
}

/** Payloads of the given rows; rows deleted since the scan are simply absent. */
export async function readPayloads(db: Db, ids: number[]): Promise<SourcePayloadRow[]> {
  if (ids.length === 0) return [];
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT id, updated_at, ${COLS.map((c, f) => `CAST(${c} AS CHAR) AS p${f}`).join(', ')} FROM matching_vectors WHERE id IN (?) ORDER BY id`,
    [ids],
  );
  return rows.map((r) => ({ id: Number(r.id), updatedAt: r.updated_at, payloads: COLS.map((_, f) => r[`p${f}`] as string | null) }));
}
