import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, killAllFitmatch, runFitmatch, spawnFitmatch, type FitmatchProcess } from '../helpers/fitmatchProcess.js';
import { startPrivateServer, type PrivateServer } from '../helpers/privateServer.js';
import { publishedState, type Exec } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { until } from '../helpers/until.js';

/** The exit code, or a failure if the process has not exited within ms: a hang is the bug here. */
async function exitWithin(p: FitmatchProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${p.stderr()}`)), ms)));
  try {
    return await Promise.race([p.exit, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Issue 10, class 9: a frozen server (SIGSTOP: sockets open, nothing answers)
 * gives exit 3 within about --query-timeout instead of hanging forever.
 */
describe('a frozen server', () => {
  let ps: PrivateServer;
  let env: Record<string, string>;
  const DB = 'fitmatch_frozen';
  const exec: Exec = (sql, params) => ps.exec(DB, sql, params);

  beforeAll(async () => {
    ps = await startPrivateServer();
    const { url } = await ps.createDatabase(DB, { migrate: false });
    env = { DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json' };
    await seedDataset(url, { talents: 1000, jobs: 200, dim: 16 });
    const first = await runFitmatch(['match'], { env });
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(async () => {
    if (ps && ps.server.pid) ps.server.thaw();
    await killAllFitmatch();
    await ps?.dispose();
  });

  function expectTimedOut(p: FitmatchProcess): void {
    const errors = jsonLines(p.stderr()).filter((l) => l.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ exitCode: 3, msg: expect.stringMatching(/got no answer within --query-timeout|lost the (database connection|lock)|cannot connect/) })]);
    expect(p.stderr()).not.toMatch(/unexpected error|closed state/);
  }

  it('frozen while match computes: exit 3, not a hang; after thawing, match_results is intact and the next run publishes', async () => {
    const before = await publishedState(exec);
    const p = spawnFitmatch(['--query-timeout', '3s', 'match', '--block-rows', '10'], { env });
    await p.waitFor('"event":"match_block"');
    ps.server.freeze();
    try {
      expect(await exitWithin(p, 45_000), p.stderr()).toBe(3);
    } finally {
      ps.server.thaw();
    }
    expectTimedOut(p);
    expect(await publishedState(exec)).toEqual(before);
    const next = await runFitmatch(['match'], { env });
    expect(next.code, next.stderr).toBe(0);
  });

  it('frozen while migrate --check reads the schema: exit 3, not a hang', async () => {
    const watcher = await ps.connection(DB);
    let p: FitmatchProcess;
    try {
      const others = async () => {
        const [rows] = await watcher.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [DB]);
        return Number((rows as { n: number }[])[0].n);
      };
      expect(await others()).toBe(0);
      p = spawnFitmatch(['--query-timeout', '3s', 'migrate', '--check', '--json'], { env });
      // Connected: from here on, every statement it sends meets a frozen server.
      await until('migrate --check to connect', async () => (await others()) > 0, 30_000, 2);
      ps.server.freeze();
    } finally {
      // end() would wait for a goodbye from the frozen server.
      watcher.destroy();
    }
    try {
      expect(await exitWithin(p!, 45_000), p!.stderr()).toBe(3);
    } finally {
      ps.server.thaw();
    }
    expectTimedOut(p!);
    // --json: the one document is the failure's, not a half-written report.
    expect(JSON.parse(p!.stdout())).toMatchObject({ ok: false, exitCode: 3, error: { code: 'DB_UNAVAILABLE' } });
    const again = await runFitmatch(['migrate', '--check'], { env });
    expect(again.code, again.stdout).toBe(0);
  });

  it('frozen before the command connects: exit 3, not a hang', async () => {
    ps.server.freeze();
    let p: FitmatchProcess;
    try {
      p = spawnFitmatch(['--query-timeout', '3s', 'backfill'], { env });
      expect(await exitWithin(p, 45_000), p.stderr()).toBe(3);
    } finally {
      ps.server.thaw();
    }
    expectTimedOut(p!);
  });
});
