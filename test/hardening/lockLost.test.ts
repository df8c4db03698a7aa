import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockName } from '../../src/db/advisoryLock.js';
import { poolOptions } from '../../src/db/connect.js';
import { jsonLines, killAllFitmatch, runFitmatch, spawnFitmatch, type FitmatchProcess } from '../helpers/fitmatchProcess.js';
import { startPrivateServer, type PrivateServer } from '../helpers/privateServer.js';
import { lastRun, publishedState } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/**
 * Issue 10, class 5: the match lock lives on one connection. When the server
 * closes that connection (KILL, wait_timeout, a proxy), the run must stop with
 * exit 3 before writing anything more, so that a second `match`, which can now
 * take the lock, never works at the same time.
 */
describe('the match lock is lost', () => {
  let t: TestDatabase;
  let admin: mysql.Connection;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase('hardening_lock');
    // The stop itself, without --retries (a retry would take the lock again: test/e2e/serverRestart.test.ts).
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json', FITMATCH_RETRIES: '0' };
    await seedDataset(t.url, { dim: 16 });
    const first = await runFitmatch(['match'], { env });
    expect(first.code, first.stderr).toBe(0);
    admin = await mysql.createConnection(poolOptions(t.config.db));
  });
  afterAll(async () => {
    await killAllFitmatch();
    await admin?.end();
    await t?.drop();
  });

  /** KILLs the connection holding the match lock, as a DBA or an idle-connection reaper would. */
  async function killLockConnection(): Promise<void> {
    const [rows] = await admin.query('SELECT IS_USED_LOCK(?) AS id', [lockName(t.name, 'match')]);
    const id = (rows as { id: number | null }[])[0].id;
    expect(id, 'the match lock is held').not.toBeNull();
    await admin.query(`KILL ${Number(id)}`);
  }

  async function expectLockLost(p: FitmatchProcess): Promise<void> {
    expect(await p.exit, p.stderr()).toBe(3);
    const errors = jsonLines(p.stderr()).filter((l) => l.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ exitCode: 3, msg: expect.stringContaining('lost the lock') })]);
  }

  it('KILL of the lock connection mid-run: exit 3, no block written after a second run took the lock, never published', async () => {
    const before = await publishedState(t.exec);
    const first = spawnFitmatch(['match', '--block-rows', '10'], { env });
    await first.waitFor('"event":"match_block"');
    await killLockConnection();
    // The lock is free now: a second run takes it at once.
    const second = spawnFitmatch(['match', '--block-rows', '50'], { env });
    await Promise.all([first.exit, second.exit]);
    await expectLockLost(first);
    expect(await second.exit, second.stderr()).toBe(0);

    const runs = (await t.exec("SELECT id, status, error, started_at FROM match_runs WHERE kind = 'full' ORDER BY id DESC LIMIT 2")) as { id: number; status: string; error: string | null; started_at: Date }[];
    const [r2, r1] = runs.map((r) => ({ ...r, id: Number(r.id) }));
    // Failed by itself, then abandoned (its staging dropped) by the second run.
    expect(['failed', 'abandoned']).toContain(r1.status);
    expect(r2.status).toBe('succeeded');
    // Never two runs at work: the first marked no block done once the second had started.
    expect(await t.exec('SELECT block_no FROM match_run_blocks WHERE run_id = ? AND finished_at >= ?', [r1.id, r2.started_at])).toEqual([]);
    const after = await publishedState(t.exec);
    expect(after.runIds).toEqual([r2.id]);
    expect(after.rows).toBe(before.rows);
  });

  it('KILL of the lock connection while the run waits to publish: exit 3, match_results unchanged', async () => {
    const before = await publishedState(t.exec);
    const p = spawnFitmatch(['match', '--top-k', '4'], { env: { ...env, FITMATCH_TEST_HOLD: 'before_publish' } });
    await p.waitFor('"event":"held"');
    await killLockConnection();
    await expectLockLost(p);
    expect(await publishedState(t.exec)).toEqual(before);
    expect(await lastRun(t.exec, 'match')).toMatchObject({ status: 'failed', error: expect.stringContaining('lost the lock') });
    const next = await runFitmatch(['match'], { env });
    expect(next.code, next.stderr).toBe(0);
  });
});

describe('the match lock is lost to wait_timeout (private server: the setting is global)', () => {
  let ps: PrivateServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    ps = await startPrivateServer();
    const { url } = await ps.createDatabase('fitmatch_idle');
    // The failure itself, without --retries (test/e2e/serverRestart.test.ts covers retrying through a restart).
    env = { DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json', FITMATCH_RETRIES: '0' };
  });
  afterAll(async () => {
    await killAllFitmatch();
    await ps?.dispose();
  });

  it('an idle lock connection closed by the server stops the run while it waits (exit 3), not when it next writes', async () => {
    const root = await ps.connection('fitmatch_idle');
    try {
      await root.query('SET GLOBAL wait_timeout = 2');
      // Held before publishing until something stops it: the lock connection idles far past wait_timeout.
      const p = spawnFitmatch(['match'], { env: { ...env, FITMATCH_TEST_HOLD: 'before_publish' } });
      await p.waitFor('"event":"held"');
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<string>((r) => (timer = setTimeout(() => r('still waiting after 30 s'), 30_000)));
      expect(await Promise.race([p.exit, waited]), p.stderr()).toBe(3);
      clearTimeout(timer);
      const errors = jsonLines(p.stderr()).filter((l) => l.level === 'error');
      expect(errors).toEqual([expect.objectContaining({ exitCode: 3, msg: expect.stringContaining('lost the lock') })]);
      const [published] = (await root.query('SELECT COUNT(*) AS n FROM match_runs WHERE status = ?', ['succeeded']))[0] as { n: number }[];
      expect(published.n).toBe(0);
    } finally {
      await root.query('SET GLOBAL wait_timeout = 28800');
      await root.end();
    }
  });
});
