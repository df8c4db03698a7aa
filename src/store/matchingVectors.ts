import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { FACETS } from '../facets.js';

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
