import type { Eligibility, SqlQuery } from '../match/eligibility.js';

/*
 * The rules of src/match/eligibility.ts that do not involve the embedding, to
 * find entities that would be eligible if they had one. eligibility.ts keeps its
 * conditions private; test/db/statusCoverage.test.ts checks that these, joined
 * with an embedding, select exactly what talentIdsQuery/jobIdsQuery select.
 */

/** Over `users u JOIN talent_profiles tp`. */
export function talentEntityWhere(e: Eligibility): SqlQuery {
  const conds = ["u.role = 'talent'"];
  if (!e.includeDeleted) conds.push('u.deleted_at IS NULL', 'tp.deleted_at IS NULL');
  return { sql: conds.join(' AND '), params: [] };
}

/** Over `job_postings jp`. */
export function jobEntityWhere(e: Eligibility): SqlQuery {
  const conds = [`jp.status IN (${e.jobStatuses.map(() => '?').join(', ')})`];
  const params: unknown[] = [...e.jobStatuses];
  if (!e.includeDeleted) conds.push('jp.deleted_at IS NULL');
  if (!e.includeExpired) {
    conds.push('(jp.deadline_date IS NULL OR jp.deadline_date >= ?)');
    params.push(e.today);
  }
  return { sql: conds.join(' AND '), params };
}
