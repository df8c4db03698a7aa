import type { Pool } from 'mysql2/promise';
import { FACETS } from '../facets.js';
import type { Direction } from './pairVerdict.js';

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

/** The pair's published rank and score in each direction (null where it is not listed). */
export async function pairPlacement(pool: Pool, talentId: number, jobId: number): Promise<Record<Direction, { rank: number; score: number } | null>> {
  const [rows] = await pool.query('SELECT direction, `rank`, total_score FROM match_results WHERE talent_user_id = ? AND job_posting_id = ?', [talentId, jobId]);
  const at = (d: Direction) => {
    const r = (rows as { direction: string; rank: number; total_score: string }[]).find((x) => x.direction === d);
    return r ? { rank: Number(r.rank), score: Number(r.total_score) } : null;
  };
  return { talent_to_job: at('talent_to_job'), job_to_talent: at('job_to_talent') };
}

/** The published score at rank k of a subject's list, or null when the list is shorter than k. */
export async function kthScore(pool: Pool, direction: Direction, subjectId: number, k: number): Promise<number | null> {
  const [rows] = await pool.query(`SELECT total_score FROM match_results WHERE ${SUBJECT[direction]} = ? AND direction = ? AND \`rank\` = ?`, [subjectId, direction, k]);
  const r = (rows as { total_score: string }[])[0];
  return r ? Number(r.total_score) : null;
}

/** A subject's published list in rank order. */
export async function publishedList(pool: Pool, direction: Direction, subjectId: number): Promise<PublishedRow[]> {
  const [rows] = await pool.query(
    `SELECT ${CANDIDATE[direction]} AS candidate, \`rank\`, total_score, ${FACET_COLUMNS} FROM match_results WHERE ${SUBJECT[direction]} = ? AND direction = ? ORDER BY \`rank\``,
    [subjectId, direction],
  );
  return (rows as Record<string, unknown>[]).map((r) => ({
    candidateId: Number(r.candidate),
    rank: Number(r.rank),
    total: Number(r.total_score),
    facets: FACETS.map((f) => num(r[`score_${f}`])),
  }));
}
