import { fixedClock } from '../../src/clock.js';
import { loadConfig, type Flags } from '../../src/config.js';
import type { CommandContext } from '../../src/context.js';
import { memoryLogger } from '../../src/log.js';
import type { TestDatabase } from '../helpers/testDb.js';
import type { RefRow } from './matchReference.js';

export function matchCtx(t: TestDatabase, flags: Flags = {}, at = '2026-06-15T03:00:00Z', signal = new AbortController().signal): CommandContext & { log: ReturnType<typeof memoryLogger> } {
  return { db: t.db, clock: fixedClock(at), log: memoryLogger(), config: loadConfig({ env: { DATABASE_URL: t.url }, cwd: null, flags }), signal };
}

export interface PublishedRow {
  direction: 'talent_to_job' | 'job_to_talent';
  talent: number;
  job: number;
  /** Derived at read time (contract v2): position in (total_score DESC, other id ASC). */
  rank: number;
  total: number;
  facets: (number | null)[];
  runId: number;
}

export async function publishedRows(t: TestDatabase, table = 'match_results'): Promise<PublishedRow[]> {
  const rows = (await t.exec(
    `SELECT direction, talent_user_id, job_posting_id,
            ROW_NUMBER() OVER (PARTITION BY direction, IF(direction = 'talent_to_job', talent_user_id, job_posting_id)
                               ORDER BY total_score DESC, IF(direction = 'talent_to_job', job_posting_id, talent_user_id)) AS pos, total_score, score_roles, score_skills, score_growth, score_career, score_vision, score_culture, run_id
       FROM ${table} ORDER BY direction, talent_user_id, job_posting_id`,
  )) as Record<string, unknown>[];
  const num = (v: unknown) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    direction: r.direction as PublishedRow['direction'],
    talent: Number(r.talent_user_id),
    job: Number(r.job_posting_id),
    rank: Number(r.pos),
    total: Number(r.total_score),
    facets: ['score_roles', 'score_skills', 'score_growth', 'score_career', 'score_vision', 'score_culture'].map((c) => num(r[c])),
    runId: Number(r.run_id),
  }));
}

/** Rounding to DECIMAL(5,2) moves a score by at most 0.005; float32 adds far less than 1e-4. */
export const TOLERANCE = 0.005 + 1e-4;

/**
 * This reference scores the raw seeded vectors, the product the stored float32
 * unit vectors, so the two can order candidates whose scores differ by float32
 * rounding alone (e.g. [0,3,0,4] and [1,2,2,4] against [0,0,0,1] both give 0.8)
 * differently at the cut: the reference's blind spot, not a product tie rule
 * (the product orders by its exact score: test/unit/engine/nearTies.test.ts).
 */
export const REFERENCE_NOISE = 1e-6;

/**
 * Every published row of one direction against the reference: same subjects,
 * the same candidates (or a candidate within REFERENCE_NOISE of the expected
 * one, at the top-k cut), scores within TOLERANCE, NULL facets equal. Contract v2
 * stores no rank: which rows are published is what is compared.
 * `all` is the reference without the top-k cut, to look up tied candidates.
 * Returns a list of differences (empty = identical).
 */
export function diffDirection(published: PublishedRow[], ref: RefRow[], direction: PublishedRow['direction'], all: RefRow[] = ref): string[] {
  const scoreOf = new Map(all.map((r) => [`${r.subject}>${r.candidate}`, r.total]));
  const subjectOf = (r: PublishedRow) => (direction === 'talent_to_job' ? r.talent : r.job);
  const candidateOf = (r: PublishedRow) => (direction === 'talent_to_job' ? r.job : r.talent);
  const mine = published.filter((r) => r.direction === direction);
  const pub = new Map(mine.map((r) => [`${subjectOf(r)}>${candidateOf(r)}`, r]));
  const expected = new Set(ref.map((e) => `${e.subject}>${e.candidate}`));
  const extra = mine.filter((r) => !expected.has(`${subjectOf(r)}>${candidateOf(r)}`));
  const problems: string[] = [];
  if (pub.size !== ref.length) problems.push(`${direction}: ${pub.size} rows published, reference has ${ref.length}`);
  for (const e of ref) {
    const where = `${direction} subject ${e.subject} candidate ${e.candidate} (reference rank ${e.rank})`;
    const p = pub.get(`${e.subject}>${e.candidate}`);
    if (!p) {
      const tied = extra.some((x) => subjectOf(x) === e.subject && Math.abs((scoreOf.get(`${e.subject}>${candidateOf(x)}`) ?? Infinity) - e.total) <= REFERENCE_NOISE);
      if (!tied) problems.push(`${where}: missing`);
      continue;
    }
    if (Math.abs(p.total - e.total) > TOLERANCE) problems.push(`${where}: total ${p.total}, expected ${e.total}`);
    e.facets.forEach((f, i) => {
      const got = p.facets[i];
      if ((f === null) !== (got === null) || (f !== null && Math.abs(got! - f) > TOLERANCE)) problems.push(`${where}: facet ${i} ${got}, expected ${f}`);
    });
  }
  return problems;
}
