import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, killAllFitmatch, runFitmatch, spawnFitmatch } from '../helpers/fitmatchProcess.js';
import { lastRun, publishedState } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/**
 * Issue 9, as processes: an incremental run never overlaps a full one (exit 4
 * at once), and one SIGKILLed before it applies leaves match_results as it was;
 * the next incremental run then publishes what a full run would.
 */
describe('match --incremental as a process', () => {
  let t: TestDatabase;
  let env: Record<string, string>;
  const exec = (sql: string, params?: unknown[]) => t.exec(sql, params);
  /** The published rows without run_id and computed_at. */
  const content = () =>
    exec(`SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', direction, talent_user_id, job_posting_id, total_score,
            score_roles, score_skills, score_growth, score_career, score_vision, score_culture))) AS c FROM match_results`);

  beforeAll(async () => {
    t = await createTestDatabase('inc_process');
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    await seedDataset(t.url, { talents: 600, jobs: 150, dim: 32 });
    const first = await runFitmatch(['match'], { env });
    expect(first.code, first.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
  });

  it('while a full run holds the match lock, an incremental run exits 4 at once and changes nothing', async () => {
    const before = await publishedState(exec);
    const full = spawnFitmatch(['match', '--block-rows', '20'], { env: { ...env, FITMATCH_TEST_HOLD: 'after_block' } });
    await full.waitFor('"event":"held"');
    const started = Date.now();
    const inc = await runFitmatch(['match', '--incremental'], { env });
    expect(inc.code, inc.stderr).toBe(4);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(jsonLines(inc.stderr).filter((l) => l.level === 'error')).toEqual([expect.objectContaining({ exitCode: 4, msg: expect.stringMatching(/holds the lock/) })]);
    expect(await publishedState(exec)).toEqual(before);
    full.child.kill('SIGTERM');
    expect(await full.exit).toBe(5);
  });

  it('SIGKILL before the increment is applied: match_results unchanged; the next incremental run publishes what a full run would', async () => {
    const base = await runFitmatch(['match'], { env }); // a clean base after the interrupted full run above
    expect(base.code, base.stderr).toBe(0);
    const before = await publishedState(exec);
    const closed = (await exec("SELECT id FROM job_postings WHERE status = 'PUBLISHED' ORDER BY id LIMIT 3")) as { id: number }[];
    await exec(`UPDATE job_postings SET status = 'CLOSED' WHERE id IN (?)`, [closed.map((r) => r.id)]);

    const victim = spawnFitmatch(['match', '--incremental'], { env: { ...env, FITMATCH_TEST_HOLD: 'before_apply' } });
    await victim.waitFor('"event":"held"');
    victim.child.kill('SIGKILL');
    await victim.exit;
    expect(await publishedState(exec)).toEqual(before);

    const next = await runFitmatch(['match', '--incremental'], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/incremental run \d+ on top of run \d+/);
    const afterIncrement = await content();
    const full = await runFitmatch(['match'], { env });
    expect(full.code, full.stderr).toBe(0);
    expect(await content()).toEqual(afterIncrement);
    expect((await lastRun(exec, 'match'))?.status).toBe('succeeded');
  });
});
