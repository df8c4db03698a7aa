import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, killAllFitmatch, runFitmatch, scratchDir, spawnFitmatch } from '../helpers/fitmatchProcess.js';
import { startPrivateServer, type PrivateServer } from '../helpers/privateServer.js';
import { lastRun, publishedState, type Exec } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';

/**
 * Issue 11: a database restart in the middle of `match` or `backfill` is
 * retried (--retries, default 6, backoff 1 s doubling): the command resumes from
 * what it committed and succeeds, and match_results never holds a mix of runs.
 * The server is this file's own; the shared one is never touched.
 */
describe('the database restarts in the middle of a run', () => {
  let ps: PrivateServer;
  let env: Record<string, string>;
  const DB = 'fitmatch_restart';
  const exec: Exec = (sql, params) => ps.exec(DB, sql, params);
  /** The published rows without run_id and computed_at: what a reader ranks and shows. */
  const content = async () =>
    exec(
      `SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', direction, talent_user_id, job_posting_id, total_score,
              score_roles, score_skills, score_growth, score_career, score_vision, score_culture))) AS c FROM match_results`,
    );
  /** Stops the server and starts it again once the process's first retry found nobody home (it logs the second one). */
  const restart = async (p: { waitFor(pattern: { test(stderr: string): boolean }): Promise<void> }) => {
    await ps.server.stop();
    await p.waitFor(/retrying in \d+ s \(retry 2 of /);
    await ps.server.start();
  };

  beforeAll(async () => {
    ps = await startPrivateServer();
    const { url } = await ps.createDatabase(DB, { migrate: false });
    env = { DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json' };
    await seedDataset(url);
    const first = await runFitmatch(['match'], { env });
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(async () => {
    await killAllFitmatch();
    await ps?.dispose();
  });

  it('match: retried through the restart, resumes its own run without redoing finished blocks, publishes one complete run', async () => {
    const expected = await content();
    // Held after its second block until the restart takes its lock away: it then retries.
    const p = spawnFitmatch(['match', '--block-rows', '10'], { env: { ...env, FITMATCH_TEST_HOLD: 'after_block@2' } });
    await p.waitFor('"event":"held"');
    await restart(p);
    expect(await p.exit, p.stderr()).toBe(0);
    const lines = jsonLines(p.stderr());
    expect(lines.some((l) => l.level === 'warn' && /^match: .*retrying in \d+ s \(retry 1 of 6\)/.test(String(l.msg)))).toBe(true);
    expect(lines.some((l) => /resuming run \d+/.test(String(l.msg)))).toBe(true);
    const run = await lastRun(exec, 'match');
    expect(run?.status).toBe('succeeded');
    // Blocks finished before the restart were not scored again: one match_block event per block in all.
    const [{ n: blocks }] = (await exec('SELECT COUNT(*) AS n FROM match_run_blocks WHERE run_id = ?', [run!.id])) as { n: number }[];
    expect(lines.filter((l) => l.event === 'match_block')).toHaveLength(Number(blocks));
    const after = await publishedState(exec);
    expect(after.runIds).toEqual([run!.id]);
    expect(await content()).toEqual(expected);
  });

  it('match with a budget too small for the outage: exit 3, the published run untouched, and the next run succeeds', async () => {
    const before = await publishedState(exec);
    const p = spawnFitmatch(['match', '--block-rows', '10', '--retries', '1'], { env: { ...env, FITMATCH_TEST_HOLD: 'after_block' } });
    await p.waitFor('"event":"held"');
    await ps.server.stop();
    expect(await p.exit, p.stderr()).toBe(3);
    const errors = jsonLines(p.stderr()).filter((l) => l.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ exitCode: 3, msg: expect.stringMatching(/lost the database connection|lost the lock|cannot connect/) })]);
    await ps.server.start();
    expect(await publishedState(exec)).toEqual(before);
    const next = await runFitmatch(['match'], { env });
    expect(next.code, next.stderr).toBe(0);
    expect((await publishedState(exec)).runIds).toEqual([(await lastRun(exec, 'match'))!.id]);
  });

  it('backfill: retried through the restart; the stored embeddings end as a clean backfill leaves them', async () => {
    const sums = () => exec(`SELECT (SELECT COUNT(*) FROM talent_embeddings) AS t, (SELECT COUNT(*) FROM job_embeddings) AS j,
      (SELECT SUM(CRC32(vectors_hash)) FROM talent_embeddings) AS th, (SELECT SUM(CRC32(vectors_hash)) FROM job_embeddings) AS jh`);
    const expected = await sums();
    await exec('DELETE FROM talent_embeddings');
    await exec('DELETE FROM job_embeddings');
    const p = spawnFitmatch(['backfill', '--batch-size', '10', '--allow-shrink'], { env });
    await p.waitFor('"event":"progress"');
    await restart(p);
    expect(await p.exit, p.stderr()).toBe(0);
    expect(jsonLines(p.stderr()).some((l) => l.level === 'warn' && /^backfill: .*retrying in/.test(String(l.msg)))).toBe(true);
    expect(await sums()).toEqual(expected);
    expect((await lastRun(exec, 'backfill'))?.status).toBe('succeeded');
    // Nothing left to do: a second backfill writes nothing.
    const file = join(scratchDir(), 'again.json');
    const again = await runFitmatch(['backfill', '--report-json', file], { env });
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as { entity: Record<string, number> };
    expect(Object.entries(report.entity).filter(([k, v]) => /inserted|updated|removed/i.test(k) && v > 0)).toEqual([]);
  });
});
