import { row, type Queryable } from './sql.js';

// One talent's or posting's rows as the app's tables and the embedding tables hold them now (explain reads them).

export interface TalentRecord {
  user: { role: string; deleted: boolean } | null;
  profile: { deleted: boolean } | null;
}

export async function talentRecord(q: Queryable, id: number): Promise<TalentRecord> {
  const u = await row<{ role: string; deleted: number }>(q, 'SELECT role, deleted_at IS NOT NULL AS deleted FROM users WHERE id = ?', [id]);
  const p = await row<{ deleted: number }>(q, 'SELECT deleted_at IS NOT NULL AS deleted FROM talent_profiles WHERE user_id = ?', [id]);
  return { user: u ? { role: u.role, deleted: Number(u.deleted) === 1 } : null, profile: p ? { deleted: Number(p.deleted) === 1 } : null };
}

export interface PostingRecord {
  status: string;
  /** YYYY-MM-DD, or null without a deadline. */
  deadline: string | null;
  deleted: boolean;
}

export async function postingRecord(q: Queryable, id: number): Promise<PostingRecord | null> {
  // DATE_FORMAT: a DATE read as a JS Date would shift by the client's zone.
  const p = await row<{ status: string; deadline: string | null; deleted: number }>(
    q,
    "SELECT status, DATE_FORMAT(deadline_date, '%Y-%m-%d') AS deadline, deleted_at IS NOT NULL AS deleted FROM job_postings WHERE id = ?",
    [id],
  );
  return p ? { status: p.status, deadline: p.deadline === null ? null : String(p.deadline).slice(0, 10), deleted: Number(p.deleted) === 1 } : null;
}

export interface EmbeddingRecord {
  vectorsHash: string;
  facetMask: number;
  facetDims: string;
  vectors: Buffer;
}

export async function embeddingRecord(q: Queryable, side: 'talent' | 'job', id: number): Promise<EmbeddingRecord | null> {
  const [table, key] = side === 'talent' ? ['talent_embeddings', 'talent_user_id'] : ['job_embeddings', 'job_posting_id'];
  const r = await row<{ vectors_hash: string; facet_mask: number; facet_dims: string; vectors: Buffer }>(q, `SELECT vectors_hash, facet_mask, facet_dims, vectors FROM ${table} WHERE ${key} = ?`, [id]);
  return r ? { vectorsHash: r.vectors_hash, facetMask: Number(r.facet_mask), facetDims: r.facet_dims, vectors: r.vectors } : null;
}
