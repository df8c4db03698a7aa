import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, killAllFitmatch, runFitmatch, spawnFitmatch } from '../helpers/fitmatchProcess.js';
import { lastRun, publishedState } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The fitmatch arguments of each line of the README's cron block, as written. */
function cronLines(): { schedule: string; args: string[] }[] {
  const block = /```cron\n([\s\S]*?)```/.exec(readFileSync(README, 'utf8'))![1];
  return block
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^((?:\S+\s+){5})cd \/opt\/fitmatch && npx fitmatch (.*?) >> \/var\/log\/fitmatch\.log 2>&1$/.exec(line);
      if (!m) throw new Error(`cron line not in the expected shape: ${line}`);
      return { schedule: m[1].trim(), args: m[2].split(/\s+/) };
    });
}

/**
 * README "Cron": the every-10-minutes incremental run and the nightly full run,
 * as two processes. The nightly run starts while an incremental one holds the
 * match lock (held before applying, at its logged event): it waits, then runs,
 * and exits 0 instead of 4.
 */
describe('the README cron recipe', () => {
  let t: TestDatabase;
  let env: Record<string, string>;
  const exec = (sql: string, params?: unknown[]) => t.exec(sql, params);
  const lines = cronLines();
  const incremental = lines.find((l) => l.args.includes('--incremental'))!;
  const nightly = lines.find((l) => !l.args.includes('--incremental'))!;

  beforeAll(async () => {
    t = await createTestDatabase('cron_recipe');
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    await seedDataset(t.url, { talents: 400, jobs: 100, dim: 16 });
    const first = await runFitmatch(['run'], { env });
    expect(first.code, first.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
  });

  it('has an incremental line and a nightly line', () => {
    expect(incremental.schedule).toBe('*/10 * * * *');
    expect(nightly.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(nightly.args[0]).toBe('run');
  });

  it('an incremental run that finds the nightly run at work skips with exit 0 and changes nothing', async () => {
    const before = await publishedState(exec);
    const full = spawnFitmatch(nightly.args.filter((a, i, all) => a !== '--metrics-file' && all[i - 1] !== '--metrics-file'), { env: { ...env, FITMATCH_TEST_HOLD: 'before_publish' } });
    await full.waitFor('"event":"held"');
    const inc = await runFitmatch(incremental.args, { env });
    expect(inc.code, inc.stderr).toBe(0);
    expect(inc.stdout).toMatch(/^skipped \(--skip-if-locked\): .*holds the lock/);
    expect(await publishedState(exec)).toEqual(before);
    // The nightly run goes on and publishes.
    full.child.kill('SIGUSR2');
    expect(await full.exit, full.stderr()).toBe(0);
  });

  it('the nightly run waits for a running incremental run, then publishes and exits 0', async () => {
    const closed = (await exec("SELECT id FROM job_postings WHERE status = 'PUBLISHED' ORDER BY id LIMIT 2")) as { id: number }[];
    await exec('UPDATE job_postings SET status = ? WHERE id IN (?)', ['CLOSED', closed.map((r) => r.id)]);
    const metrics = join(mkdtempSync(join(tmpdir(), 'fitmatch-cron-')), 'fitmatch.prom');
    const nightlyArgs = nightly.args.map((a) => (a.endsWith('.prom') ? metrics : a));

    // The incremental run holds the match lock, held with its changes computed.
    const inc = spawnFitmatch(incremental.args, { env: { ...env, FITMATCH_TEST_HOLD: 'before_apply' } });
    await inc.waitFor('"event":"held"');
    const full = spawnFitmatch(nightlyArgs, { env });
    await full.waitFor('"event":"lock_wait"');
    // The incremental run finishes and publishes; the lock is free.
    inc.child.kill('SIGUSR2');
    expect(await inc.exit, inc.stderr()).toBe(0);

    const code = await full.exit;
    expect(code, full.stderr()).toBe(0);
    const waits = jsonLines(full.stderr()).filter((l) => l.event === 'lock_wait');
    expect(waits).toEqual([expect.objectContaining({ lock: expect.stringMatching(/:match$/) })]);
    expect(full.stdout()).toMatch(/^run finished in /);
    const last = (await lastRun(exec, 'match'))!;
    expect(last.status).toBe('succeeded');
    expect((await publishedState(exec)).runIds).toEqual([last.id]);
    const prom = readFileSync(metrics, 'utf8');
    expect(prom).toContain('fitmatch_run_exit_code 0\n');
    expect(prom).toMatch(/^fitmatch_run_last_success_timestamp_seconds \d+(\.\d+)?$/m);
    expect(prom).toMatch(/^fitmatch_run_phase_duration_seconds\{phase="match"\} /m);
  });
});
