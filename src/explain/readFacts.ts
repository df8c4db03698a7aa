import { HASH_BYTES, type RunSnapshot, type SideSnapshot } from '../engine/snapshotCodec.js';
import type { EmbeddingFacts, JobFacts, SnapshotFacts, TalentFacts } from './pairVerdict.js';
import { embeddingRecord, postingRecord, talentRecord } from '../store/entityRecords.js';
import type { Queryable as Pool } from '../store/sql.js';
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

async function readEmbedding(pool: Pool, side: 'talent' | 'job', id: number, dims: readonly number[]): Promise<{ facts: EmbeddingFacts; vectors: UsableFacets } | null> {
  const r = await embeddingRecord(pool, side, id);
  if (!r) return null;
  const vectors = usableFacets(r.facetDims, r.vectors, dims);
  return {
    facts: { vectorsHash: r.vectorsHash, facetMask: r.facetMask, usableMask: r.facetMask === 0 ? 0 : vectors.mask, unreadable: vectors.unreadable, unusable: vectors.unusable },
    vectors,
  };
}

/** What eligibility and the verdict need to know of a talent, as the database holds it now. */
export async function readTalentFacts(pool: Pool, id: number, dims: readonly number[], snapshot: RunSnapshot | null): Promise<WithVectors<TalentFacts>> {
  const { user, profile } = await talentRecord(pool, id);
  const emb = await readEmbedding(pool, 'talent', id, dims);
  return {
    id,
    user,
    profile,
    embedding: emb?.facts ?? null,
    snapshot: snapshotFacts(snapshot?.talents, id),
    vectors: emb?.vectors ?? null,
  };
}

/** The same for a job posting. */
export async function readJobFacts(pool: Pool, id: number, dims: readonly number[], snapshot: RunSnapshot | null): Promise<WithVectors<JobFacts>> {
  const emb = await readEmbedding(pool, 'job', id, dims);
  return {
    id,
    posting: await postingRecord(pool, id),
    embedding: emb?.facts ?? null,
    snapshot: snapshotFacts(snapshot?.jobs, id),
    vectors: emb?.vectors ?? null,
  };
}
