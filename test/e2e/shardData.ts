import { backfill } from '../../src/commands/backfill.js';
import { seed } from '../../src/commands/seed.js';
import { ctxFor } from '../db/backfillHelpers.js';
import type { TestDatabase } from '../helpers/testDb.js';
import { publishedRows, type PublishedRow } from '../db/matchHelpers.js';

/**
 * A seeded dataset with dirty rows and missing facets, plus exact ties: some
 * talents and postings are copies of others' embeddings (same vectors, other ids).
 */
export async function seedShardData(t: TestDatabase, o: { talents: number; jobs: number }): Promise<void> {
  const ctx = ctxFor(t);
  await seed({ seed: 11, talents: o.talents, jobs: o.jobs, companies: 8, dim: 16, dirty: 0.1, timezone: 'Asia/Seoul' }, ctx);
  await backfill({ source: 'matching_vectors' }, ctx);
  await cloneTalents(t, 12);
  await cloneJobs(t, 6);
}

async function cloneTalents(t: TestDatabase, n: number): Promise<void> {
  const src = (await t.exec(`SELECT talent_user_id AS id FROM talent_embeddings ORDER BY talent_user_id LIMIT ${n}`)) as { id: number }[];
  const [{ base }] = (await t.exec('SELECT MAX(id) + 100 AS base FROM users')) as { base: number }[];
  for (const [i, { id }] of src.entries()) {
    const copy = Number(base) + i;
    await t.exec(`INSERT INTO users (id, email, password_hash, role) VALUES (?, ?, 'x', 'talent')`, [copy, `clone${copy}@seed.fitmatch.invalid`]);
    await t.exec('INSERT INTO talent_profiles (user_id, is_submitted) VALUES (?, 1)', [copy]);
    await t.exec(
      `INSERT INTO talent_embeddings (talent_user_id, vectors, facet_mask, facet_dims, vectors_hash, model, source)
       SELECT ?, vectors, facet_mask, facet_dims, vectors_hash, model, source FROM talent_embeddings WHERE talent_user_id = ?`,
      [copy, id],
    );
  }
}

async function cloneJobs(t: TestDatabase, n: number): Promise<void> {
  const src = (await t.exec(
    `SELECT je.job_posting_id AS id FROM job_embeddings je JOIN job_postings jp ON jp.id = je.job_posting_id
      WHERE jp.status = 'PUBLISHED' AND jp.deleted_at IS NULL AND (jp.deadline_date IS NULL OR jp.deadline_date >= '2030-01-01') ORDER BY 1 LIMIT ${n}`,
  )) as { id: number }[];
  const [{ base }] = (await t.exec('SELECT MAX(id) + 100 AS base FROM job_postings')) as { base: number }[];
  for (const [i, { id }] of src.entries()) {
    const copy = Number(base) + i;
    await t.exec(
      `INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, status, deadline_date)
       SELECT ?, company_id, title, career_level, education_level, employment_type, location_city, status, deadline_date FROM job_postings WHERE id = ?`,
      [copy, id],
    );
    await t.exec(
      `INSERT INTO job_embeddings (job_posting_id, vectors, facet_mask, facet_dims, vectors_hash, model, source)
       SELECT ?, vectors, facet_mask, facet_dims, vectors_hash, model, source FROM job_embeddings WHERE job_posting_id = ?`,
      [copy, id],
    );
  }
}

/** Published rows without what names the run (run id, computed_at): what two runs on the same data must share. */
export async function resultSet(t: TestDatabase, table = 'match_results'): Promise<Omit<PublishedRow, 'runId'>[]> {
  return (await publishedRows(t, table)).map(({ runId: _, ...r }) => r);
}
