import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, killAllFitmatch, runFitmatch, spawnFitmatch, type FitmatchProcess } from '../helpers/fitmatchProcess.js';
import { startPrivateServer, type PrivateServer } from '../helpers/privateServer.js';
import { lastRun, publishedState, type Exec } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';

/**
 * Issue 10, class 3: cleanup must never mask the error it cleans up after. A
 * server killed (SIGKILL) in the middle of `match` or `backfill` is exit 3,
 * "lost the database connection" (or "lost the lock"), never 1 or a driver's
 * "closed state" error; match_results holds the old run or a complete new one.
 */
describe('the server dies in the middle of a run', () => {
  let ps: PrivateServer;
  let env: Record<string, string>;
  const DB = 'fitmatch_killed';
  const exec: Exec = (sql, params) => ps.exec(DB, sql, params);

  beforeAll(async () => {
    ps = await startPrivateServer();
    const { url } = await ps.createDatabase(DB, { migrate: false });
    // The failure itself, without --retries (test/e2e/serverRestart.test.ts covers retrying through a restart).
    env = { DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json', FITMATCH_RETRIES: '0' };
    await seedDataset(url);
    const first = await runFitmatch(['match'], { env });
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(async () => {
    await killAllFitmatch();
    await ps?.dispose();
  });

  /** Exit 3 with one error line about the lost connection or lock, and nothing that looks like a bug. */
  async function expectLostConnection(p: FitmatchProcess): Promise<void> {
    expect(await p.exit, p.stderr()).toBe(3);
    const errors = jsonLines(p.stderr()).filter((l) => l.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ exitCode: 3, msg: expect.stringMatching(/lost the database connection|lost the lock/) })]);
    expect(p.stderr()).not.toMatch(/unexpected error|closed state|"exitCode":1\b/);
  }

  it.each([
    ['computing and writing blocks', [], '"event":"match_block"'],
    ['about to publish', ['FITMATCH_TEST_HOLD', 'before_publish'], '"event":"held"'],
  ] as const)('killed while match is %s: exit 3; match_results keeps the old run; the next run publishes a complete one', async (_when, extraEnv, event) => {
    const before = await publishedState(exec);
    expect(before.runIds).toHaveLength(1);
    const p = spawnFitmatch(['match', '--block-rows', '10'], { env: { ...env, ...Object.fromEntries(extraEnv.length ? [extraEnv] : []) } });
    await p.waitFor(event);
    await ps.server.kill();
    await expectLostConnection(p);

    await ps.server.start();
    expect(await publishedState(exec)).toEqual(before);
    const next = await runFitmatch(['match'], { env });
    expect(next.code, next.stderr).toBe(0);
    const after = await publishedState(exec);
    const published = await lastRun(exec, 'match');
    expect(after.runIds).toEqual([published!.id]);
    expect(after.rows).toBe(before.rows);
    expect(await exec("SELECT id FROM match_runs WHERE status IN ('running', 'preparing')")).toEqual([]);
  });

  it('killed while backfill writes: exit 3; after a restart the next backfill marks the dead run failed and succeeds', async () => {
    const p = spawnFitmatch(['backfill', '--full', '--batch-size', '10'], { env });
    await p.waitFor('"event":"progress"');
    await ps.server.kill();
    await expectLostConnection(p);

    await ps.server.start();
    const dead = await lastRun(exec, 'backfill');
    expect(dead).toMatchObject({ status: 'running' });
    const next = await runFitmatch(['backfill'], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`whose process died as failed: ${dead!.id}`);
    expect(await exec('SELECT status FROM match_runs WHERE id = ?', [dead!.id])).toEqual([{ status: 'failed' }]);
    const again = await runFitmatch(['match'], { env });
    expect(again.code, again.stderr).toBe(0);
  });
});
