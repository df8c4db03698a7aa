import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolOptions } from '../../src/db/connect.js';
import { jsonLines, killAllFitmatch, runFitmatch, spawnFitmatch, spawnFitmatchWhileLoading, type FitmatchProcess } from '../helpers/fitmatchProcess.js';
import { lastRun, publishedState } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { until } from '../helpers/until.js';

/**
 * Issue 10, class 4: SIGTERM/SIGINT at any moment. The first signal stops the
 * command with exit 5 and a log line, publishes nothing and records the run
 * `interrupted`; a second one exits at once with 130/143; a signal while the
 * modules load counts as a first signal.
 */
describe('signals at any moment', () => {
  let t: TestDatabase;
  let watcher: mysql.Connection;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase('hardening_signals');
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    // dim 256: the backfill's dimension scan takes long enough to be caught in the act.
    await seedDataset(t.url, { dim: 256 });
    const first = await runFitmatch(['match'], { env });
    expect(first.code, first.stderr).toBe(0);
    watcher = await mysql.createConnection(poolOptions(t.config.db));
  });
  afterAll(async () => {
    await killAllFitmatch();
    await watcher?.end();
    await t?.drop();
  });

  /** A statement of this database's sessions matching `pattern` (a REGEXP) is running right now. */
  const running = async (pattern: string) => {
    const [rows] = await watcher.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO REGEXP ?', [t.name, pattern]);
    return Number((rows as { n: number }[])[0].n) > 0;
  };

  /** Exit 5 after a "<SIG> received" warning and one error line saying what the stop left behind. */
  async function expectStopped(p: FitmatchProcess, sig: 'SIGTERM' | 'SIGINT'): Promise<Record<string, unknown>[]> {
    expect(await p.exit, p.stderr()).toBe(5);
    const lines = jsonLines(p.stderr());
    expect(lines.filter((l) => l.level === 'warn' && String(l.msg).startsWith(`${sig} received`))).toHaveLength(1);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ exitCode: 5, msg: expect.stringMatching(/interrupted|stopped/) })]);
    expect(p.stderr()).not.toMatch(/unexpected error|closed state/);
    return lines;
  }

  it.each([
    ['SIGTERM', 'reading (right after the run is created)', (p: FitmatchProcess) => p.waitFor(/"msg":"match run \d+: /)],
    ['SIGINT', 'computing (right after the first block)', (p: FitmatchProcess) => p.waitFor('"event":"match_block"')],
    ['SIGTERM', 'writing (rows into staging in flight)', () => until('a write into staging', () => running('^(LOAD DATA|INSERT INTO `?match_results_r)'), 60_000, 2)],
  ] as const)('%s while match is %s: exit 5, nothing published, run interrupted', async (sig, _phase, reached) => {
    const before = await publishedState(t.exec);
    const p = spawnFitmatch(['match', '--block-rows', '10', '--top-k', '7'], { env });
    await reached(p);
    p.child.kill(sig);
    await expectStopped(p, sig);
    expect(await publishedState(t.exec)).toEqual(before);
    expect(await lastRun(t.exec, 'match')).toMatchObject({ status: 'interrupted' });
  });

  it('SIGTERM while match retries a publish blocked by an open transaction: exit 5, nothing published', async () => {
    const before = await publishedState(t.exec);
    const reader = await mysql.createConnection(poolOptions(t.config.db));
    try {
      await reader.query('START TRANSACTION');
      await reader.query('SELECT COUNT(*) FROM match_results');
      const p = spawnFitmatch(['match', '--top-k', '3'], { env });
      await p.waitFor('is locked by an open transaction (attempt 1/');
      p.child.kill('SIGTERM');
      await expectStopped(p, 'SIGTERM');
    } finally {
      await reader.query('COMMIT');
      await reader.end();
    }
    expect(await publishedState(t.exec)).toEqual(before);
    expect(await lastRun(t.exec, 'match')).toMatchObject({ status: 'interrupted' });
  });

  it('SIGTERM while the publish RENAME waits on a reader\'s lock: the wait ends at once (not at its timeout), exit 5, nothing published', async () => {
    const before = await publishedState(t.exec);
    const reader = await mysql.createConnection(poolOptions(t.config.db));
    try {
      await reader.query('START TRANSACTION');
      await reader.query('SELECT COUNT(*) FROM match_results');
      const p = spawnFitmatch(['match', '--top-k', '4'], { env });
      await until('the publish RENAME to wait on the metadata lock', async () => {
        const [rows] = await watcher.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'RENAME TABLE%' AND STATE LIKE 'Waiting for table metadata lock%'", [t.name]);
        return Number((rows as { n: number }[])[0].n) > 0;
      }, 120_000, 2);
      p.child.kill('SIGTERM');
      await expectStopped(p, 'SIGTERM');
      // The reader still holds its lock: the RENAME was stopped by the signal, not by its lock_wait_timeout (which logs a retry).
      expect(p.stderr()).not.toContain('is locked by an open transaction (attempt');
      expect(await running('^RENAME TABLE')).toBe(false);
    } finally {
      await reader.query('COMMIT');
      await reader.end();
    }
    expect(await publishedState(t.exec)).toEqual(before);
    expect(await lastRun(t.exec, 'match')).toMatchObject({ status: 'interrupted' });
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('a second %s exits at once with %i after one log line', async (sig, code) => {
    const locker = await mysql.createConnection(poolOptions(t.config.db));
    try {
      // The command blocks on its first read of the migration journal until UNLOCK: the first signal cannot finish the stop.
      await locker.query('LOCK TABLES fitmatch_migrations WRITE');
      const p = spawnFitmatch(['match'], { env });
      await until('match to wait for the table lock', async () => {
        const [rows] = await watcher.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table%'", [t.name]);
        return Number((rows as { n: number }[])[0].n) > 0;
      });
      p.child.kill(sig);
      await p.waitFor(`${sig} received`);
      const linesBefore = jsonLines(p.stderr()).length;
      p.child.kill(sig);
      expect(await p.exit, p.stderr()).toBe(code);
      const after = jsonLines(p.stderr()).slice(linesBefore);
      expect(after).toEqual([expect.objectContaining({ level: 'error', exitCode: code, msg: expect.stringContaining(`second ${sig}: exiting now with ${code}`) })]);
    } finally {
      await locker.query('UNLOCK TABLES');
      await locker.end();
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s while the modules load is remembered: exit 5 with a log line, no run started', async (sig) => {
    const runsBefore = (await t.exec('SELECT COUNT(*) AS n FROM match_runs')) as { n: number }[];
    const before = await publishedState(t.exec);
    const p = spawnFitmatchWhileLoading(['match'], { env });
    await p.ready;
    p.child.kill(sig);
    await expectStopped(p, sig);
    expect(await publishedState(t.exec)).toEqual(before);
    expect(await t.exec('SELECT COUNT(*) AS n FROM match_runs')).toEqual(runsBefore);
  });

  it("SIGTERM during backfill's pass over the payloads: exit 5 at a batch boundary, run interrupted, the next run finishes", async () => {
    await t.exec('DELETE FROM talent_embeddings');
    await t.exec('DELETE FROM job_embeddings');
    await t.exec('DELETE FROM matching_vector_lengths');
    const [{ rows }] = (await t.exec('SELECT COUNT(*) AS `rows` FROM matching_vectors')) as { rows: number }[];
    const p = spawnFitmatch(['backfill', '--full', '--batch-size', '10'], { env });
    await p.waitFor('"event":"progress"');
    p.child.kill('SIGTERM');
    await expectStopped(p, 'SIGTERM');
    expect(await lastRun(t.exec, 'backfill')).toMatchObject({ status: 'interrupted' });
    // The lengths of the rows it read are recorded (facts about those rows), not those it never reached.
    const [{ n }] = (await t.exec('SELECT COUNT(*) AS n FROM matching_vector_lengths')) as { n: number }[];
    expect(Number(n)).toBeGreaterThan(0);
    expect(Number(n)).toBeLessThan(Number(rows));
    // The next run starts over and completes.
    const again = await runFitmatch(['backfill'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(await lastRun(t.exec, 'backfill')).toMatchObject({ status: 'succeeded' });
  });

  it('a backfill killed with kill -9 does not stay "running": the next backfill marks it failed', async () => {
    const p = spawnFitmatch(['backfill', '--full', '--batch-size', '10'], { env });
    await p.waitFor('"event":"progress"');
    p.child.kill('SIGKILL');
    expect(await p.exit).toBe('SIGKILL');
    const killed = await lastRun(t.exec, 'backfill');
    expect(killed).toMatchObject({ status: 'running' });

    const next = await runFitmatch(['backfill'], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`marked 1 backfill run(s) whose process died as failed: ${killed!.id}`);
    expect(await t.exec('SELECT status FROM match_runs WHERE id = ?', [killed!.id])).toEqual([{ status: 'failed' }]);
    expect(await t.exec("SELECT id FROM match_runs WHERE kind = 'backfill' AND status = 'running'")).toEqual([]);
  });
});
