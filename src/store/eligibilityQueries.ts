import type { Eligibility } from '../engine/eligibility.js';

// The eligibility rules (src/engine/eligibility.ts) as SQL. Twin: the router's ELIGIBLE_*_FROM
// (integrations/fastapi/fitmatch_router/queries.py); its test_eligibility_twin.py runs both on one fixture.

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

const anyFacet = (alias: string) => `${alias}.facet_mask <> 0`;

/** The talent rules that do not involve the embedding, over `users u JOIN talent_profiles tp` (status coverage uses them alone). */
export function talentEntityWhere(e: Eligibility): SqlQuery {
  const conds = ["u.role = 'talent'"];
  if (!e.includeDeleted) conds.push('u.deleted_at IS NULL', 'tp.deleted_at IS NULL');
  return { sql: conds.join(' AND '), params: [] };
}

/** The posting rules that do not involve the embedding, over `job_postings jp`. */
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

const talentWhere = (e: Eligibility): string => `${talentEntityWhere(e).sql} AND ${anyFacet('te')}`;
function jobWhere(e: Eligibility): SqlQuery {
  const w = jobEntityWhere(e);
  return { sql: `${w.sql} AND ${anyFacet('je')}`, params: w.params };
}

const TALENT_FROM =
  'FROM talent_embeddings te JOIN users u ON u.id = te.talent_user_id JOIN talent_profiles tp ON tp.user_id = te.talent_user_id';
const JOB_FROM = 'FROM job_embeddings je JOIN job_postings jp ON jp.id = je.job_posting_id';

/** Eligible talents with their embeddings' version, ascending (vectors are fetched by id later). */
export function talentIdsQuery(e: Eligibility): SqlQuery {
  return { sql: `SELECT te.talent_user_id AS id, te.vectors_hash AS hash ${TALENT_FROM} WHERE ${talentWhere(e)} ORDER BY te.talent_user_id`, params: [] };
}

export function jobIdsQuery(e: Eligibility): SqlQuery {
  const w = jobWhere(e);
  return { sql: `SELECT je.job_posting_id AS id, je.vectors_hash AS hash ${JOB_FROM} WHERE ${w.sql} ORDER BY je.job_posting_id`, params: w.params };
}
