import type { Eligibility } from '../engine/eligibility.js';
import { jobEntityWhere, jobIdsQuery, talentEntityWhere, talentIdsQuery, type SqlQuery } from './eligibilityQueries.js';
import { row, rows, type Queryable } from './sql.js';

/** How many, and the smallest few ids (to look at with `fitmatch explain`). */
export interface Sample {
  count: number;
  examples: number[];
}
export interface Coverage {
  /** Eligible by the rules, with or without an embedding: what the shares below are of. */
  eligible: { talents: number; jobs: number };
  /** Eligible by the rules (the published run's, today) but without an embedding row. */
  withoutEmbedding: { talents: Sample; jobs: Sample };
  /** Embeddings imported from matching_vectors whose source has a newer row (updated_at > source_updated_at); null without matching_vectors. */
  staleEmbeddings: { talents: Sample; jobs: Sample } | null;
  /** Eligible now (with an embedding) but in no published list: changed since the run, no usable or shared facet. */
  notPublished: { talents: Sample; jobs: Sample };
}

const EXAMPLES = 5;

async function sample(pool: Queryable, q: SqlQuery): Promise<Sample> {
  const count = await row<{ n: number }>(pool, `SELECT COUNT(*) AS n FROM (${q.sql}) x`, q.params);
  const examples = await rows<{ id: number }>(pool, `SELECT id FROM (${q.sql}) x ORDER BY id LIMIT ${EXAMPLES}`, q.params);
  return { count: Number(count?.n ?? 0), examples: examples.map((r) => Number(r.id)) };
}

/** Coverage of the database as it is now, judged by `e`. `tables` are the tables that exist. */
export async function readCoverage(pool: Queryable, e: Eligibility, tables: ReadonlySet<string>): Promise<Coverage> {
  const tw = talentEntityWhere(e);
  const jw = jobEntityWhere(e);
  const withoutEmbedding = {
    talents: await sample(pool, {
      sql: `SELECT u.id FROM users u JOIN talent_profiles tp ON tp.user_id = u.id LEFT JOIN talent_embeddings te ON te.talent_user_id = u.id WHERE ${tw.sql} AND te.talent_user_id IS NULL`,
      params: tw.params,
    }),
    jobs: await sample(pool, {
      sql: `SELECT jp.id FROM job_postings jp LEFT JOIN job_embeddings je ON je.job_posting_id = jp.id WHERE ${jw.sql} AND je.job_posting_id IS NULL`,
      params: jw.params,
    }),
  };
  const staleEmbeddings = tables.has('matching_vectors')
    ? {
        talents: await sample(pool, {
          sql: `SELECT te.talent_user_id AS id FROM talent_embeddings te WHERE te.source = 'matching_vectors' AND EXISTS (
                  SELECT 1 FROM matching_vectors mv WHERE mv.user_id = te.talent_user_id AND mv.role = 'talent' AND mv.job_posting_id IS NULL AND mv.updated_at > te.source_updated_at)`,
          params: [],
        }),
        jobs: await sample(pool, {
          sql: `SELECT je.job_posting_id AS id FROM job_embeddings je WHERE je.source = 'matching_vectors' AND EXISTS (
                  SELECT 1 FROM matching_vectors mv WHERE mv.job_posting_id = je.job_posting_id AND mv.role = 'company' AND mv.updated_at > je.source_updated_at)`,
          params: [],
        }),
      }
    : null;
  const absent = (q: SqlQuery, column: string, direction: string): SqlQuery => ({
    sql: `SELECT e.id FROM (${q.sql}) e WHERE NOT EXISTS (SELECT 1 FROM match_results mr WHERE mr.${column} = e.id AND mr.direction = '${direction}')`,
    params: q.params,
  });
  const notPublished = {
    talents: await sample(pool, absent(talentIdsQuery(e), 'talent_user_id', 'talent_to_job')),
    jobs: await sample(pool, absent(jobIdsQuery(e), 'job_posting_id', 'job_to_talent')),
  };
  const count = async (sql: string, params: unknown[]) => Number((await row<{ n: number }>(pool, `SELECT COUNT(*) AS n ${sql}`, params))?.n ?? 0);
  const eligible = {
    talents: await count(`FROM users u JOIN talent_profiles tp ON tp.user_id = u.id WHERE ${tw.sql}`, tw.params),
    jobs: await count(`FROM job_postings jp WHERE ${jw.sql}`, jw.params),
  };
  return { eligible, withoutEmbedding, staleEmbeddings, notPublished };
}
