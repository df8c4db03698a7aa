import chalk from 'chalk';
import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { FACETS } from '../facets.js';
import { renderHistogram, type Bucket } from './histogram.js';
import { renderTable, type Column } from './textTable.js';

const FACET_COLUMNS: Column[] = FACETS.map((f) => ({ header: f, align: 'right' }));
const score = (v: unknown) => (v === null || v === undefined ? '–' : Number(v).toFixed(1));
const HIST_STEP = 5;

export interface DemoCoverage {
  eligibleTalents: number;
  eligibleJobs: number;
  seededTalents: number;
  seededJobs: number;
}

/** Prints the demo's results: two top-5 tables, a histogram, coverage, and where it all lives. */
export async function showResults(db: Db, runId: number, cov: DemoCoverage, print: (s: string) => void): Promise<void> {
  const q = async (sql: string, params: unknown[] = []) => (await db.pool.query<RowDataPacket[]>(sql, params))[0];
  const [best] = await q(
    `SELECT talent_user_id AS t, job_posting_id AS j FROM match_results WHERE direction = 'talent_to_job' ORDER BY total_score DESC, talent_user_id, job_posting_id LIMIT 1`,
  );
  if (!best) {
    print(chalk.yellow('match_results is empty: no eligible talent and posting shared a facet.'));
    return;
  }
  const talentId = Number(best.t);
  const jobId = Number(best.j);

  const [who] = await q(`SELECT name, desired_role, tagline FROM talent_profiles WHERE user_id = ?`, [talentId]);
  const jobs = await q(
    `SELECT p.title, c.name AS company, p.location_city, r.total_score, r.score_roles, r.score_skills, r.score_growth, r.score_career, r.score_vision, r.score_culture
       FROM match_results r JOIN job_postings p ON p.id = r.job_posting_id JOIN companies c ON c.id = p.company_id
      WHERE r.talent_user_id = ? AND r.direction = 'talent_to_job' ORDER BY r.total_score DESC, r.job_posting_id LIMIT 5`,
    [talentId],
  );
  print(chalk.bold(`\nTop 5 postings for talent ${talentId}: ${who.name} — ${who.desired_role} (“${who.tagline}”)`));
  print(
    renderTable(
      [{ header: '#', align: 'right' }, { header: '공고', max: 34 }, { header: '회사', max: 16 }, { header: '지역' }, { header: 'total', align: 'right' }, ...FACET_COLUMNS],
      jobs.map((r, i) => [String(i + 1), r.title, r.company, r.location_city, chalk.bold(score(r.total_score)), ...FACETS.map((f) => score(r[`score_${f}`]))]),
    ),
  );

  const [job] = await q(`SELECT p.title, c.name AS company FROM job_postings p JOIN companies c ON c.id = p.company_id WHERE p.id = ?`, [jobId]);
  const talents = await q(
    `SELECT t.name, t.desired_role, t.desired_work_location, r.total_score, r.score_roles, r.score_skills, r.score_growth, r.score_career, r.score_vision, r.score_culture
       FROM match_results r JOIN talent_profiles t ON t.user_id = r.talent_user_id
      WHERE r.job_posting_id = ? AND r.direction = 'job_to_talent' ORDER BY r.total_score DESC, r.talent_user_id LIMIT 5`,
    [jobId],
  );
  print(chalk.bold(`\nTop 5 talents for posting ${jobId}: ${job.title} @ ${job.company}`));
  print(
    renderTable(
      [{ header: '#', align: 'right' }, { header: '이름' }, { header: '희망 직무', max: 24 }, { header: '희망 근무지' }, { header: 'total', align: 'right' }, ...FACET_COLUMNS],
      talents.map((r, i) => [String(i + 1), r.name, r.desired_role, r.desired_work_location ?? '–', chalk.bold(score(r.total_score)), ...FACETS.map((f) => score(r[`score_${f}`]))]),
    ),
  );

  const hist = await q(
    `SELECT FLOOR(r.total_score / ${HIST_STEP}) * ${HIST_STEP} AS b, COUNT(*) AS n, SUM(t.desired_role = p.position) AS same
       FROM match_results r JOIN talent_profiles t ON t.user_id = r.talent_user_id JOIN job_postings p ON p.id = r.job_posting_id
      WHERE r.direction = 'talent_to_job' GROUP BY b ORDER BY b`,
  );
  const buckets: Bucket[] = hist.map((h) => ({ from: Number(h.b), total: Number(h.n), same: Number(h.same ?? 0) }));
  print(chalk.bold(`\nScores of all talent_to_job results (${chalk.green('█')} talent's desired role = posting's role, ${chalk.gray('░')} other roles)`));
  for (const line of renderHistogram(buckets, HIST_STEP, 40, { same: chalk.green, other: chalk.gray })) print(line);

  const [cov2] = await q(
    `SELECT (SELECT COUNT(DISTINCT talent_user_id) FROM match_results WHERE direction = 'talent_to_job') AS t,
            (SELECT COUNT(DISTINCT job_posting_id) FROM match_results WHERE direction = 'job_to_talent') AS j`,
  );
  print(
    chalk.bold('\nCoverage: ') +
      `${cov2.t} of ${cov.eligibleTalents} eligible talents and ${cov2.j} of ${cov.eligibleJobs} eligible postings got matches ` +
      chalk.gray(`(seeded ${cov.seededTalents} talents and ${cov.seededJobs} postings; the rest are soft-deleted, drafts, closed, expired, without a profile or without a valid vector)`),
  );

  print(chalk.bold(`\nWhere the results live: `) + `table match_results in ${db.settings.display}, run ${runId} (details in match_runs):`);
    // Contract v2: no stored rank; the order is total_score DESC, then the smaller id.
  print(chalk.cyan(`  SELECT job_posting_id, total_score FROM match_results WHERE talent_user_id = ${talentId} AND direction = 'talent_to_job' ORDER BY total_score DESC, job_posting_id;`));
  print(chalk.cyan(`  SELECT talent_user_id, total_score FROM match_results WHERE job_posting_id = ${jobId} AND direction = 'job_to_talent' ORDER BY total_score DESC, talent_user_id;`));
}
