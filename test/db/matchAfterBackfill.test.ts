import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../src/commands/backfill.js';
import { match } from '../../src/commands/match.js';
import { FACETS } from '../../src/facets.js';
import { parseDims, unpackFloat32 } from '../../src/vectors/packedVectors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { DIRTY_SQL } from './backfillDirtyData.js';
import { diffDirection, matchCtx, publishedRows } from './matchHelpers.js';
import { topKRef, type Entity } from './matchReference.js';

/** Stored vectors of the entities the default rules keep, decoded independently of the match reader. */
async function storedEntities(t: TestDatabase, sql: string): Promise<Entity[]> {
  const rows = (await t.exec(sql)) as { id: number; vectors: Buffer; facet_dims: string }[];
  return rows.map((r) => ({ id: Number(r.id), vecs: unpackFloat32(r.vectors, parseDims(r.facet_dims)!).map((v) => (v ? Array.from(v) : null)) }));
}

describe('backfill from dirty matching_vectors, then match', () => {
  let t: TestDatabase;
  let talents: Entity[];
  let jobs: Entity[];
  beforeAll(async () => {
    t = await createTestDatabase('match_backfill');
    await t.exec(DIRTY_SQL);
    await t.exec("UPDATE job_postings SET status = 'PUBLISHED'");
    await backfill({ source: 'matching_vectors' }, matchCtx(t));
    const cols = 'e.vectors, e.facet_dims';
    talents = await storedEntities(
      t,
      `SELECT e.talent_user_id AS id, ${cols} FROM talent_embeddings e JOIN users u ON u.id = e.talent_user_id JOIN talent_profiles p ON p.user_id = u.id
        WHERE u.role = 'talent' AND u.deleted_at IS NULL AND p.deleted_at IS NULL`,
    );
    jobs = await storedEntities(t, `SELECT e.job_posting_id AS id, ${cols} FROM job_embeddings e JOIN job_postings j ON j.id = e.job_posting_id WHERE j.deleted_at IS NULL`);
  });
  afterAll(async () => t?.drop());

  it('has something to match', () => {
    expect(talents.length).toBeGreaterThan(2);
    expect(jobs.length).toBeGreaterThan(1);
  });

  for (const topK of [2, 50]) {
    it(`publishes exactly the reference top-${topK} in both directions`, async () => {
      await match({}, matchCtx(t, { topK: String(topK) }));
      const rows = await publishedRows(t);
      const w = FACETS.map(() => 1);
      const all = (subjects: Entity[], candidates: Entity[], talentSide: boolean) => topKRef(subjects, candidates, w, Infinity, talentSide);
      expect(diffDirection(rows, topKRef(talents, jobs, w, topK, true), 'talent_to_job', all(talents, jobs, true))).toEqual([]);
      expect(diffDirection(rows, topKRef(jobs, talents, w, topK, false), 'job_to_talent', all(jobs, talents, false))).toEqual([]);
      // Talents 2 and 9 tie on job 11 (0.8 from different vectors): the smaller id ranks first.
      if (topK < 3) return;
      const j11 = rows.filter((r) => r.direction === 'job_to_talent' && r.job === 11);
      expect(j11.find((r) => r.talent === 2)!.rank).toBe(j11.find((r) => r.talent === 9)!.rank - 1);
    });
  }
});
