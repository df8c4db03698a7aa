/** Which talents and postings take part in a run; recorded verbatim in match_runs.params. */
export interface Eligibility {
  /** job_postings.status values that are matched (default PUBLISHED). */
  jobStatuses: string[];
  /** Keep postings whose deadline_date is before `today`. */
  includeExpired: boolean;
  /** Keep soft-deleted users, talent profiles and postings (deleted_at set). */
  includeDeleted: boolean;
  /** The local calendar date deadlines are compared with, YYYY-MM-DD. */
  today: string;
  /** The zone `today` was taken in (or "explicit" when --today was given). */
  timezone: string;
}

/**
 * The calendar date at `now` in `timeZone`. The app stores deadline_date as a
 * Korean local date, so a 03:00 KST cron (18:00 UTC the day before) must use the
 * KST date, not the UTC one.
 */
export function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function resolveEligibility(
  s: { jobStatuses: string[]; includeExpired: boolean; includeDeleted: boolean; timezone: string; today?: string },
  now: Date,
): Eligibility {
  return {
    jobStatuses: [...s.jobStatuses],
    includeExpired: s.includeExpired,
    includeDeleted: s.includeDeleted,
    today: s.today ?? localDate(now, s.timezone),
    timezone: s.today ? 'explicit' : s.timezone,
  };
}

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
