import { FACETS } from '../facets.js';
import type { ListDirection as Direction } from './listStore.js';
import { row, rows, type Queryable as Pool } from './sql.js';

export interface PublishedRow {
  /** The other side: the job posting of a talent_to_job row, the talent of a job_to_talent row. */
  candidateId: number;
  rank: number;
  total: number;
  /** score_100 per facet; null where not shared. */
  facets: (number | null)[];
}

const SUBJECT = { talent_to_job: 'talent_user_id', job_to_talent: 'job_posting_id' } as const;
const CANDIDATE = { talent_to_job: 'job_posting_id', job_to_talent: 'talent_user_id' } as const;
const FACET_COLUMNS = FACETS.map((f) => `score_${f}`).join(', ');
const num = (v: unknown) => (v === null ? null : Number(v));

/**
 * Contract v2: a list's order, defined once. Rank n is the n-th row of a
 * subject's rows in this order; it is derived when read, never stored.
 */
export const LIST_ORDER = { talent_to_job: 'total_score DESC, job_posting_id', job_to_talent: 'total_score DESC, talent_user_id' } as const;

/** The pair's rank (derived: 1 + the rows before it in LIST_ORDER) and published score in each direction (null where it is not listed). */
export async function pairPlacement(pool: Pool, talentId: number, jobId: number): Promise<Record<Direction, { rank: number; score: number } | null>> {
  const at = async (d: Direction) => {
    const [subject, other] = d === 'talent_to_job' ? [talentId, jobId] : [jobId, talentId];
    const r = await row<{ total_score: string; pos: number | string }>(
      pool,
      `SELECT me.total_score,
              (SELECT COUNT(*) FROM match_results o WHERE o.${SUBJECT[d]} = me.${SUBJECT[d]} AND o.direction = me.direction
                 AND (o.total_score > me.total_score OR (o.total_score = me.total_score AND o.${CANDIDATE[d]} < me.${CANDIDATE[d]}))) + 1 AS pos
         FROM match_results me WHERE me.direction = ? AND me.${SUBJECT[d]} = ? AND me.${CANDIDATE[d]} = ?`,
      [d, subject, other],
    );
    return r ? { rank: Number(r.pos), score: Number(r.total_score) } : null;
  };
  return { talent_to_job: await at('talent_to_job'), job_to_talent: await at('job_to_talent') };
}

/** The published score at rank k of a subject's list, or null when the list is shorter than k. */
export async function kthScore(pool: Pool, direction: Direction, subjectId: number, k: number): Promise<number | null> {
  const r = await row<{ total_score: string }>(pool, `SELECT total_score FROM match_results WHERE ${SUBJECT[direction]} = ? AND direction = ? ORDER BY ${LIST_ORDER[direction]} LIMIT 1 OFFSET ?`, [
    subjectId,
    direction,
    k - 1,
  ]);
  return r ? Number(r.total_score) : null;
}

/** A subject's published list in LIST_ORDER, numbered as it is read. */
export async function publishedList(pool: Pool, direction: Direction, subjectId: number): Promise<PublishedRow[]> {
  const found = await rows<Record<string, unknown>>(
    pool,
    `SELECT ${CANDIDATE[direction]} AS candidate, total_score, ${FACET_COLUMNS} FROM match_results WHERE ${SUBJECT[direction]} = ? AND direction = ? ORDER BY ${LIST_ORDER[direction]}`,
    [subjectId, direction],
  );
  return found.map((r, i) => ({
    candidateId: Number(r.candidate),
    rank: i + 1,
    total: Number(r.total_score),
    facets: FACETS.map((f) => num(r[`score_${f}`])),
  }));
}
