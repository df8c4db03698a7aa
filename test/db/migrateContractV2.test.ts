import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFindings } from '../../src/migrate/check.js';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { tempMigrationsDir } from '../helpers/tempMigrations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedCompany } from './matchSeed.js';

/** 0003 moves a v1 database (stored `rank`) to contract v2 (order derived from total_score, then id). */
describe('migration 0003_contract_v2', () => {
  let t: TestDatabase;
  const tmp = tempMigrationsDir();
  beforeAll(async () => {
    t = await createTestDatabase('contract_v2', { migrate: false });
    const j = tmp.journal();
    tmp.writeJournal({ ...j, entries: j.entries.filter((e) => e.idx <= 2) });
    await applyMigrations(t.db, { dir: tmp.dir });
  });
  afterAll(async () => {
    tmp.remove();
    await t?.drop();
  });

  it('keeps the published rows, drops `rank` (a v1 reader fails loudly), and orders through the new index without a sort', async () => {
    const company = await seedCompany(t, 900);
    for (const id of [1, 2]) await t.exec("INSERT INTO users (id, email, password_hash, role) VALUES (?, ?, 'x', 'talent')", [id, `t${id}@x.test`]);
    for (const id of [10, 11, 12]) {
      await t.exec("INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, status) VALUES (?, ?, 'j', 'a', 'a', 'f', '서울', 'PUBLISHED')", [id, company]);
    }
    // v1 rows: job 12 ties job 11 on the published score; v1 ranked it first (a higher unrounded mean).
    const v1 = [[1, 10, 1, '90.00'], [1, 12, 2, '80.00'], [1, 11, 3, '80.00'], [2, 11, 1, '70.00']];
    for (const [talent, job, rank, score] of v1) {
      await t.exec("INSERT INTO match_results (direction, talent_user_id, job_posting_id, `rank`, total_score, run_id) VALUES ('talent_to_job', ?, ?, ?, ?, 7)", [talent, job, rank, score]);
    }
    await t.exec('CREATE TABLE match_results_previous LIKE match_results');

    await applyMigrations(t.db);

    await expect(t.exec('SELECT `rank` FROM match_results')).rejects.toMatchObject({ code: 'ER_BAD_FIELD_ERROR' });
    expect(await t.exec("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'match_results_previous'")).toEqual([{ n: 0 }]);
    const reader = `SELECT job_posting_id AS job, total_score AS score FROM match_results FORCE INDEX (ix_match_results_talent)
      WHERE talent_user_id = 1 AND direction = 'talent_to_job' ORDER BY total_score DESC, job_posting_id LIMIT 20`;
    // The v2 order: the tie on 80.00 goes to the smaller id.
    expect(await t.exec(reader)).toEqual([{ job: 10, score: '90.00' }, { job: 11, score: '80.00' }, { job: 12, score: '80.00' }]);
    const [plan] = (await t.exec(`EXPLAIN ${reader}`)) as { key: string; Extra: string | null }[];
    expect(plan.key).toBe('ix_match_results_talent');
    expect(plan.Extra ?? '').not.toMatch(/filesort/);
    expect((await collectFindings(t.db)).filter((f) => f.kind === 'drift')).toEqual([]);
  });
});
