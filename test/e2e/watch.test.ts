import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, killAllFitmatch, runFitmatch, spawnFitmatch, type FitmatchProcess } from '../helpers/fitmatchProcess.js';
import { publishedState } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

type Pass = { event: string; pass: number; outcome: string; runId: number | null; lagMs: number | null; changed: Record<string, number> | null; rowsWritten: number | null };

/**
 * Issue 23, as processes: `fitmatch watch` publishes an app write as an
 * increment equal to a full run, yields to a full run holding the lock and
 * carries on from what it published, leaves the published set as it was when
 * killed mid-pass, and ends with 0 on SIGTERM, also in the middle of a long wait.
 * Every step waits for the event the watcher logs, never for the clock.
 */
describe('fitmatch watch', () => {
  let t: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  const exec = (sql: string, params?: unknown[]) => t.exec(sql, params);
  /** The published rows without run_id and computed_at. */
  const content = async () =>
    (await exec(`SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', direction, talent_user_id, job_posting_id, total_score,
            score_roles, score_skills, score_growth, score_career, score_vision, score_culture))) AS c FROM match_results`)) as unknown[];
  const passes = (p: FitmatchProcess) => jsonLines(p.stderr()).filter((l) => l.event === 'watch_pass') as unknown as Pass[];
  /** Resolves with the first pass after the `after`-th one whose outcome is one of `outcomes`. */
  const nextPass = async (p: FitmatchProcess, after: number, outcomes: string[]): Promise<Pass> => {
    const found = () => passes(p).find((x) => x.pass > after && outcomes.includes(x.outcome));
    await p.waitFor({ test: () => found() !== undefined }, 120_000);
    return found()!;
  };
  /** A talent's app write: another talent's skills vector, updated_at now, as the app's ORM does. */
  const changeTalent = async (offset: number) => {
    const rows = (await exec("SELECT id FROM matching_vectors WHERE role = 'talent' ORDER BY id LIMIT 2 OFFSET ?", [offset])) as { id: number }[];
    await exec('UPDATE matching_vectors a JOIN matching_vectors b ON b.id = ? SET a.vector_skills = b.vector_skills, a.vector_roles = b.vector_culture, a.updated_at = NOW() WHERE a.id = ?', [rows[1].id, rows[0].id]);
  };
  const closePosting = async () => {
    await exec("UPDATE job_postings SET status = 'CLOSED', updated_at = NOW() WHERE status = 'PUBLISHED' ORDER BY id LIMIT 1");
  };
  const lastPass = (p: FitmatchProcess) => passes(p).at(-1)?.pass ?? 0;

  beforeAll(async () => {
    t = await createTestDatabase('watch');
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    dir = mkdtempSync(join(tmpdir(), 'fitmatch-watch-'));
    await seedDataset(t.url, { talents: 500, jobs: 120, dim: 32 });
  }, 120_000);
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes an app write as an increment equal to a full run, logs its lag, writes metrics, and exits 0 on SIGTERM', async () => {
    const metrics = join(dir, 'watch.prom');
    // Held between passes: the test writes while the watcher waits, then lets exactly one pass run.
    const w = spawnFitmatch(['watch', '--interval', '100ms', '--metrics-file', metrics], { env: { ...env, FITMATCH_TEST_HOLD: 'watch_wait@*' } });
    const held = () => jsonLines(w.stderr()).filter((l) => l.event === 'held' && l.point === 'watch_wait').length;
    const waitHeld = (n: number) => w.waitFor({ test: () => held() >= n }, 120_000);
    const step = async (): Promise<Pass> => {
      const n = held();
      w.child.kill('SIGUSR2');
      await waitHeld(n + 1);
      return passes(w).at(-1)!;
    };
    await waitHeld(1);
    // Nothing is published yet: the first pass is a full run.
    expect(passes(w)[0].outcome).toBe('full');
    let p = passes(w)[0];
    for (let i = 0; i < 5 && p.outcome !== 'quiet'; i++) p = await step();
    expect(p.outcome).toBe('quiet');

    await changeTalent(3);
    await closePosting();
    const inc = await step();
    expect(inc.outcome, w.stderr()).toBe('published');
    expect(inc.changed).toMatchObject({ talentsChanged: 1, jobsRemoved: 1 });
    expect(inc.lagMs).toEqual(expect.any(Number));
    expect(inc.lagMs!).toBeGreaterThanOrEqual(0);
    // The metrics file is rewritten after each pass, before the wait.
    const prom = readFileSync(metrics, 'utf8');
    expect(prom).toMatch(/^fitmatch_watch_last_pass_timestamp_seconds \d/m);
    expect(prom).toMatch(/^fitmatch_watch_lag_seconds \d/m);
    expect(prom).toMatch(/^fitmatch_watch_passes\{outcome="published"\} 1$/m);

    // A second change: the engines and the job vectors of the first increment serve this one.
    await changeTalent(7);
    let second = await step();
    while (second.outcome === 'unchanged' || second.outcome === 'quiet') second = await step();
    expect(second).toMatchObject({ outcome: 'published', changed: expect.objectContaining({ talentsChanged: 1 }) });

    w.child.kill('SIGTERM');
    expect(await w.exit, w.stderr()).toBe(0);
    const stopped = jsonLines(w.stderr()).find((l) => l.event === 'watch_stopped') as Record<string, number | string>;
    expect(stopped).toMatchObject({ stopped: `after pass ${second.pass}` });
    expect(stopped.enginesReused).toBeGreaterThan(0);
    expect(stopped.jobVectorsFromMemory).toBeGreaterThan(0);

    const afterWatch = await content();
    const full = await runFitmatch(['match'], { env });
    expect(full.code, full.stderr).toBe(0);
    expect(await content()).toEqual(afterWatch);
  });

  it('yields to a full run holding the match lock, then carries on from the run it published', async () => {
    const w = spawnFitmatch(['watch', '--interval', '100ms'], { env });
    await nextPass(w, 0, ['unchanged', 'published', 'quiet']);
    const nightly = spawnFitmatch(['match', '--block-rows', '50'], { env: { ...env, FITMATCH_TEST_HOLD: 'after_block' } });
    await nightly.waitFor('"event":"held"');
    const mark = lastPass(w);
    await changeTalent(11);
    const yielded = await nextPass(w, mark, ['locked', 'published', 'full']);
    expect(yielded.outcome).toBe('locked');
    nightly.child.kill('SIGUSR2');
    expect(await nightly.exit, nightly.stderr()).toBe(0);
    const nightlyRun = Number((jsonLines(nightly.stderr()).find((l) => l.event === 'match_summary') as { runId: number }).runId);
    // The full run read its snapshot before the write: the watcher publishes the write on top of it.
    const caught = await nextPass(w, yielded.pass, ['published', 'full']);
    expect(caught.outcome).toBe('published');
    const base = (await exec('SELECT base_run_id FROM match_runs WHERE id = ?', [caught.runId])) as { base_run_id: number }[];
    expect(Number(base[0].base_run_id)).toBe(nightlyRun);
    w.child.kill('SIGTERM');
    expect(await w.exit, w.stderr()).toBe(0);

    const afterWatch = await content();
    const full = await runFitmatch(['match'], { env });
    expect(full.code, full.stderr).toBe(0);
    expect(await content()).toEqual(afterWatch);
  });

  it('SIGKILL in the middle of a pass leaves the published set as it was; the next watcher publishes what a full run would', async () => {
    const before = await publishedState(exec);
    const w = spawnFitmatch(['watch', '--interval', '100ms'], { env: { ...env, FITMATCH_TEST_HOLD: 'in_apply' } });
    await nextPass(w, 0, ['unchanged', 'published', 'quiet']);
    await changeTalent(20);
    await closePosting();
    await w.waitFor('"event":"held"');
    w.child.kill('SIGKILL');
    expect(await w.exit).toBe('SIGKILL');
    expect(await publishedState(exec)).toEqual(before);

    const again = spawnFitmatch(['watch', '--interval', '100ms'], { env });
    const p = await nextPass(again, 0, ['published', 'full']);
    expect(p.outcome).toBe('published');
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
    const afterWatch = await content();
    const full = await runFitmatch(['match'], { env });
    expect(full.code, full.stderr).toBe(0);
    expect(await content()).toEqual(afterWatch);
  });

  it('--no-backfill: another process writes the embeddings; the watcher sees their change and publishes it', async () => {
    const w = spawnFitmatch(['watch', '--interval', '100ms', '--no-backfill'], { env });
    await nextPass(w, 0, ['unchanged', 'published', 'quiet']);
    await changeTalent(30);
    // The app's write alone changes no embedding: nothing to publish yet.
    const mark = lastPass(w);
    const b = await runFitmatch(['backfill'], { env });
    expect(b.code, b.stderr).toBe(0);
    const p = await nextPass(w, mark, ['published', 'full']);
    expect(p).toMatchObject({ outcome: 'published', backfilled: null, changed: expect.objectContaining({ talentsChanged: 1 }) });
    w.child.kill('SIGTERM');
    expect(await w.exit, w.stderr()).toBe(0);
  });

  it('SIGTERM during the wait between passes ends the process at once with 0', async () => {
    const w = spawnFitmatch(['watch', '--interval', '1h'], { env });
    await nextPass(w, 0, ['quiet', 'unchanged', 'published', 'full']);
    w.child.kill('SIGTERM');
    expect(await w.exit, w.stderr()).toBe(0);
    expect(jsonLines(w.stderr()).find((l) => l.event === 'watch_stopped')).toMatchObject({ stopped: 'after pass 1' });
  });
});
