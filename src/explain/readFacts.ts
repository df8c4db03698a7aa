import type { Pool } from 'mysql2/promise';
import { HASH_BYTES, type RunSnapshot, type SideSnapshot } from '../engine/snapshotCodec.js';
import type { EmbeddingFacts, JobFacts, SnapshotFacts, TalentFacts } from './pairVerdict.js';
import { usableFacets, type UsableFacets } from './usableFacets.js';

export type WithVectors<T> = T & { vectors: UsableFacets | null };

/** Where `id` is in a snapshot side (ids ascending), and its hash then. */
export function snapshotFacts(side: SideSnapshot | undefined, id: number): SnapshotFacts | null {
  if (!side) return null;
  let lo = 0;
  let hi = side.ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (side.ids[mid] === id) return { inSnapshot: true, vectorsHash: Buffer.from(side.hashes.subarray(mid * HASH_BYTES, (mid + 1) * HASH_BYTES)).toString('hex') };
    if (side.ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return { inSnapshot: false, vectorsHash: null };
}

async function readEmbedding(pool: Pool, table: 'talent_embeddings' | 'job_embeddings', id: number, dims: readonly number[]): Promise<{ facts: EmbeddingFacts; vectors: UsableFacets } | null> {
  const key = table === 'talent_embeddings' ? 'talent_user_id' : 'job_posting_id';
  const [rows] = await pool.query(`SELECT vectors_hash, facet_mask, facet_dims, vectors FROM ${table} WHERE ${key} = ?`, [id]);
  const r = (rows as { vectors_hash: string; facet_mask: number; facet_dims: string; vectors: Buffer }[])[0];
  if (!r) return null;
  const vectors = usableFacets(r.facet_dims, r.vectors, dims);
  const facetMask = Number(r.facet_mask);
  return {
    facts: { vectorsHash: r.vectors_hash, facetMask, usableMask: facetMask === 0 ? 0 : vectors.mask, unreadable: vectors.unreadable, unusable: vectors.unusable },
    vectors,
  };
}

const sqlDate = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** What eligibility and the verdict need to know of a talent, as the database holds it now. */
export async function readTalentFacts(pool: Pool, id: number, dims: readonly number[], snapshot: RunSnapshot | null): Promise<WithVectors<TalentFacts>> {
  const [users] = await pool.query('SELECT role, deleted_at IS NOT NULL AS deleted FROM users WHERE id = ?', [id]);
  const [profiles] = await pool.query('SELECT deleted_at IS NOT NULL AS deleted FROM talent_profiles WHERE user_id = ?', [id]);
  const u = (users as { role: string; deleted: number }[])[0];
  const p = (profiles as { deleted: number }[])[0];
  const emb = await readEmbedding(pool, 'talent_embeddings', id, dims);
  return {
    id,
    user: u ? { role: u.role, deleted: Number(u.deleted) === 1 } : null,
    profile: p ? { deleted: Number(p.deleted) === 1 } : null,
    embedding: emb?.facts ?? null,
    snapshot: snapshotFacts(snapshot?.talents, id),
    vectors: emb?.vectors ?? null,
  };
}

/** The same for a job posting. */
export async function readJobFacts(pool: Pool, id: number, dims: readonly number[], snapshot: RunSnapshot | null): Promise<WithVectors<JobFacts>> {
  // DATE_FORMAT: a DATE read as a JS Date would shift by the client's zone.
  const [rows] = await pool.query("SELECT status, DATE_FORMAT(deadline_date, '%Y-%m-%d') AS deadline, deleted_at IS NOT NULL AS deleted FROM job_postings WHERE id = ?", [id]);
  const p = (rows as { status: string; deadline: string | null; deleted: number }[])[0];
  const emb = await readEmbedding(pool, 'job_embeddings', id, dims);
  return {
    id,
    posting: p ? { status: p.status, deadline: sqlDate(p.deadline), deleted: Number(p.deleted) === 1 } : null,
    embedding: emb?.facts ?? null,
    snapshot: snapshotFacts(snapshot?.jobs, id),
    vectors: emb?.vectors ?? null,
  };
}
