import { FACETS } from '../../src/facets.js';
import { formatDims, packVectors } from '../../src/vectors/packedVectors.js';
import type { TestDatabase } from '../helpers/testDb.js';

type Vecs = (number[] | Uint8Array | null)[];

const toFloat32 = (v: number[] | Uint8Array | null) => (v === null ? null : v instanceof Uint8Array ? new Float32Array(v.buffer, v.byteOffset, v.byteLength / 4) : Float32Array.from(v));

/** Stored as-is (not normalised, zeros kept): the match reader must cope with whatever a writer left. */
async function insertEmbedding(t: TestDatabase, table: 'talent_embeddings' | 'job_embeddings', id: number, vecs: Vecs): Promise<void> {
  const key = table === 'talent_embeddings' ? 'talent_user_id' : 'job_posting_id';
  const p = packVectors(FACETS.map((_, f) => toFloat32(vecs[f] ?? null)));
  await t.exec(`INSERT INTO ${table} (${key}, vectors, facet_mask, facet_dims, vectors_hash, model, source) VALUES (?, ?, ?, ?, ?, 'test', 'text')`, [
    id, p.blob, p.mask, formatDims(p.dims), p.hash,
  ]);
}

export interface TalentSeed {
  id: number;
  vecs?: Vecs;
  role?: 'talent' | 'company';
  userDeleted?: boolean;
  profileDeleted?: boolean;
  /** No talent_profiles row (the embedding is then inserted with FK checks off: dirty data). */
  noProfile?: boolean;
}

export async function seedTalent(t: TestDatabase, s: TalentSeed): Promise<void> {
  await t.exec("INSERT INTO users (id, email, password_hash, role, deleted_at) VALUES (?, ?, 'x', ?, ?)", [
    s.id,
    `u${s.id}@example.test`,
    s.role ?? 'talent',
    s.userDeleted ? '2026-01-01 00:00:00' : null,
  ]);
  if (!s.noProfile) {
    await t.exec('INSERT INTO talent_profiles (user_id, is_submitted, deleted_at) VALUES (?, 1, ?)', [s.id, s.profileDeleted ? '2026-01-01 00:00:00' : null]);
  }
  if (!s.vecs) return;
  if (s.noProfile) await t.exec('SET FOREIGN_KEY_CHECKS = 0');
  await insertEmbedding(t, 'talent_embeddings', s.id, s.vecs);
  if (s.noProfile) await t.exec('SET FOREIGN_KEY_CHECKS = 1');
}

export async function seedCompany(t: TestDatabase, ownerId: number): Promise<number> {
  await t.exec("INSERT INTO users (id, email, password_hash, role) VALUES (?, ?, 'x', 'company')", [ownerId, `c${ownerId}@example.test`]);
  await t.exec("INSERT INTO companies (id, owner_user_id, name, industry, location_city) VALUES (?, ?, 'Acme', 'IT', '서울')", [ownerId, ownerId]);
  return ownerId;
}

export interface JobSeed {
  id: number;
  companyId: number;
  vecs?: Vecs;
  status?: 'DRAFT' | 'PUBLISHED' | 'CLOSED' | 'ARCHIVED';
  deadline?: string | null;
  deleted?: boolean;
}

export async function seedJob(t: TestDatabase, s: JobSeed): Promise<void> {
  await t.exec(
    `INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, status, deadline_date, deleted_at)
     VALUES (?, ?, 'job', 'any', 'any', 'full-time', '서울', ?, ?, ?)`,
    [s.id, s.companyId, s.status ?? 'PUBLISHED', s.deadline ?? null, s.deleted ? '2026-01-01 00:00:00' : null],
  );
  if (s.vecs) await insertEmbedding(t, 'job_embeddings', s.id, s.vecs);
}

/** Deterministic vectors (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}
