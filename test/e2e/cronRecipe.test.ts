import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastRun, publishedState } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The paths of the recipe, and where this test puts each of them. */
const INSTALL = '/opt/fitmatch';
const LOG = '/var/log/fitmatch.log';
const TEXTFILES = '/var/lib/node_exporter/textfile/';

/** The README's cron block, line by line: the schedule and the command, as written. */
function cronLines(): { schedule: string; command: string }[] {
  const block = /```cron\n([\s\S]*?)```/.exec(README)![1];
  return block
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^((?:\S+\s+){5})(cd \/opt\/fitmatch && .*)$/.exec(line);
      if (!m) throw new Error(`cron line not in the expected shape: ${line}`);
      // cron(8) turns an unescaped % into a newline and feeds the rest to stdin: the line would not run as read.
      if (/(^|[^\\])%/.test(m[2])) throw new Error(`cron line with an unescaped %: ${line}`);
      return { schedule: m[1].trim(), command: m[2].replaceAll('\\%', '%') };
    });
}

/** The documented production install, as docs/operations.md "Installing for cron" gives it. */
const INSTALL_COMMAND = 'npm ci && npm prune --omit=dev';

/**
 * The log as the recipe writes it: every line must be a JSON log line (no human
 * report mixed in). `until` resolves when a line matches, woken by the file
 * changing, never by polling the clock.
 */
function watchLog(file: string) {
  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()) : []);
  const parsed = () => lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  const until = (what: string, match: (l: Record<string, unknown>) => boolean, exited: Promise<unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const hit = parsed().find(match);
        if (!hit) return false;
        done();
        resolve(hit);
        return true;
      };
      const watcher = watch(dirname(file), () => void check());
      const guard = setTimeout(() => {
        done();
        reject(new Error(`no ${what} in the log within 120 s:\n${lines().join('\n')}`));
      }, 120_000);
      const done = () => {
        watcher.close();
        clearTimeout(guard);
      };
      void exited.then(() => {
        if (!check()) {
          done();
          reject(new Error(`the process exited before ${what} appeared in the log:\n${lines().join('\n')}`));
        }
      });
      check();
    });
  return { lines, parsed, until };
}

/**
 * README "Cron", after the documented production install: a copy of the checkout
 * installed with `npm ci && npm prune --omit=dev`, `.env` holding DATABASE_URL,
 * and the README's cron lines run by `sh -c` exactly as written with cron's
 * environment (PATH=/usr/bin:/bin plus node's folder). Only /opt/fitmatch, the
 * log and the textfile directory point into a temporary folder.
 */
describe('the README cron recipe, after the production install', () => {
  let t: TestDatabase;
  let work: string;
  let metricsDir: string;
  let logFile: string;
  const live = new Set<ChildProcess>();
  const exec = (sql: string, params?: unknown[]) => t.exec(sql, params);
  const lines = cronLines();
  const incremental = lines.find((l) => l.command.includes('--incremental'))!;
  const nightly = lines.find((l) => / run /.test(l.command) && !l.command.includes('--incremental'))!;
  const statusLine = lines.find((l) => / status /.test(l.command))!;

  /** One cron line as cron runs it: `sh -c` with cron's environment, plus a test hold point if any. */
  const cron = (command: string, hold?: string) => {
    const mapped = command.replaceAll(INSTALL, join(work, 'opt/fitmatch')).replaceAll(LOG, logFile).replaceAll(TEXTFILES, `${metricsDir}/`);
    const env: Record<string, string> = { PATH: `/usr/bin:/bin:${dirname(process.execPath)}`, HOME: work, SHELL: '/bin/sh', LOGNAME: 'root' };
    if (hold) env.FITMATCH_TEST_HOLD = hold;
    const child = spawn('/bin/sh', ['-c', mapped], { env, stdio: 'ignore' });
    live.add(child);
    const exit = new Promise<number | string>((resolve) => child.on('close', (code, signal) => (live.delete(child), resolve(code ?? signal ?? 'unknown'))));
    return { child, exit };
  };
  const log = () => watchLog(logFile);
  const backfillRuns = async () => Number(((await exec("SELECT COUNT(*) AS n FROM match_runs WHERE kind = 'backfill'")) as { n: number }[])[0].n);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'fitmatch-cron-'));
    metricsDir = join(work, 'textfile');
    logFile = join(work, 'fitmatch.log');
    mkdirSync(metricsDir);
    const opt = join(work, 'opt/fitmatch');
    // A checkout: the files git tracks, as they are in this working tree.
    const tracked = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
    for (const f of tracked) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(opt, f));
    const install = spawnSync('sh', ['-c', INSTALL_COMMAND], { cwd: opt, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' } });
    expect(install.status, install.stderr).toBe(0);
    t = await createTestDatabase('cron_recipe', { migrate: false });
    writeFileSync(join(opt, '.env'), `DATABASE_URL=${t.url}\n`);
    await seedDataset(t.url, { talents: 400, jobs: 100, dim: 16 });
  }, 600_000);
  afterAll(async () => {
    for (const c of live) c.kill('SIGKILL');
    await t?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('documents the install this test does, and the lines it runs', () => {
    expect(readFileSync(join(ROOT, 'docs/operations.md'), 'utf8')).toContain(`\`${INSTALL_COMMAND}\``);
    expect(incremental.schedule).toBe('*/10 * * * *');
    expect(nightly.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(nightly.command).toContain('--metrics-file /var/lib/node_exporter/textfile/');
    expect(statusLine.command).toContain('--metrics-file /var/lib/node_exporter/textfile/');
    // The dev dependencies are gone: what cron runs must not need them.
    expect(existsSync(join(work, 'opt/fitmatch/node_modules/typescript'))).toBe(false);
  });

  it('the nightly line runs the first time: exit 0, its metrics file, JSON lines only in the log', async () => {
    const { exit } = cron(nightly.command);
    expect(await exit, log().lines().join('\n')).toBe(0);
    const prom = readFileSync(join(metricsDir, 'fitmatch.prom'), 'utf8');
    expect(prom).toContain('fitmatch_run_exit_code 0\n');
    expect(prom).toMatch(/^fitmatch_run_last_success_timestamp_seconds \d+(\.\d+)?$/m);
    expect(log().parsed().some((l) => l.event === 'run_summary')).toBe(true);
  });

  it('an incremental line that finds the nightly run at work skips with exit 0, changes nothing and records no run', async () => {
    const before = { published: await publishedState(exec), backfills: await backfillRuns(), match: await lastRun(exec, 'match') };
    const full = cron(nightly.command, 'before_publish');
    const held = await log().until('the nightly run held before its publish', (l) => l.event === 'held' && l.point === 'before_publish', full.exit);
    const backfillsOfNightly = await backfillRuns();
    const inc = cron(incremental.command);
    expect(await inc.exit, log().lines().join('\n')).toBe(0);
    expect(log().parsed().filter((l) => l.event === 'skipped_locked')).toHaveLength(1);
    expect(await publishedState(exec)).toEqual(before.published);
    expect(await backfillRuns()).toBe(backfillsOfNightly);
    // The nightly run goes on and publishes.
    process.kill(Number(held.pid), 'SIGUSR2');
    expect(await full.exit).toBe(0);
    expect((await lastRun(exec, 'match'))!.id).not.toBe(before.match!.id);
  });

  it('an incremental line with nothing changed records no run at all', async () => {
    const backfills = await backfillRuns();
    const match = await lastRun(exec, 'match');
    const inc = cron(incremental.command);
    expect(await inc.exit).toBe(0);
    expect(log().parsed().some((l) => l.event === 'match_unchanged')).toBe(true);
    expect(await backfillRuns()).toBe(backfills);
    expect(await lastRun(exec, 'match')).toEqual(match);
  });

  it('the nightly line waits for a running incremental run, logs the wait, then publishes and exits 0', async () => {
    const closed = (await exec("SELECT id FROM job_postings WHERE status = 'PUBLISHED' ORDER BY id LIMIT 2")) as { id: number }[];
    await exec('UPDATE job_postings SET status = ? WHERE id IN (?)', ['CLOSED', closed.map((r) => r.id)]);
    const waitsBefore = log().parsed().filter((l) => l.event === 'lock_wait').length;
    const inc = cron(incremental.command, 'before_apply');
    const held = await log().until('the incremental run held before its apply', (l) => l.event === 'held' && l.point === 'before_apply', inc.exit);
    const full = cron(nightly.command);
    await log().until('the nightly run waiting for the match lock', (l) => l.event === 'lock_wait', full.exit);
    process.kill(Number(held.pid), 'SIGUSR2');
    expect(await inc.exit).toBe(0);
    expect(await full.exit, log().lines().join('\n')).toBe(0);
    const waits = log().parsed().filter((l) => l.event === 'lock_wait').slice(waitsBefore);
    expect(waits).toEqual([expect.objectContaining({ lock: expect.stringMatching(/:match$/) })]);
    const last = (await lastRun(exec, 'match'))!;
    expect(last.status).toBe('succeeded');
    expect((await publishedState(exec)).runIds).toEqual([last.id]);
    expect(readFileSync(join(metricsDir, 'fitmatch.prom'), 'utf8')).toContain('fitmatch_run_exit_code 0\n');
  });

  it('the status line: exit 0 and its metrics file', async () => {
    const { exit } = cron(statusLine.command);
    expect(await exit).toBe(0);
    expect(readFileSync(join(metricsDir, 'fitmatch_status.prom'), 'utf8')).toContain('fitmatch_status_exit_code 0\n');
  });

  it('the log holds JSON lines only, from every line and every overlap', () => {
    const all = log().lines();
    expect(all.length).toBeGreaterThan(10);
    for (const line of all) expect(() => JSON.parse(line), line).not.toThrow();
  });
});
