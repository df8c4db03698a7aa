import { totalmem } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Flags } from '../../src/config.js';
import { ExitCode } from '../../src/errors.js';
import { jsonLines, killAllFitmatch, runFitmatch } from '../helpers/fitmatchProcess.js';
import { lastRun } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/** The problems loadConfig reports for these flags (and environment), or [] when it accepts them. */
function problems(flags: Flags, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ env: { DATABASE_URL: 'mysql://root@127.0.0.1:3306/x', ...env }, cwd: null, flags });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

const machineGb = Math.ceil(totalmem() / 2 ** 30);

/**
 * Issue 10, class 6: valid syntax, invalid numbers. Every spelling a number
 * parser would take but a person did not mean is a configuration error (exit 2)
 * naming the setting, and all problems are listed at once.
 */
describe('numbers in flags and environment', () => {
  it.each([
    ['topK', '1e2'],
    ['topK', '0x10'],
    ['topK', ' 7'],
    ['topK', '7 '],
    ['topK', '+7'],
    ['topK', '7.0'],
    ['topK', ''],
    ['topK', '0'],
    ['topK', '1001'],
    ['threads', '0x2'],
    ['reserve', '1e1'],
    ['queryTimeout', '1e3'],
    ['maxShrink', '1e-1'],
    ['maxShrink', '150%'],
    ['weights', 'roles=1e300'],
    ['weights', 'roles=1e-300'],
    ['weights', 'roles=0.0000001'],
    ['weights', 'roles=10000000'],
    ['weights', 'roles=0x10'],
    ['weights', 'roles=1,roles=2'],
    ['weights', 'roles=0,skills=0,growth=0,career=0,vision=0,culture=0'],
    ['weights', 'role=1'],
    ['memory', '100MB'],
    ['memory', '255MB'],
    ['memory', `${machineGb * 4}GB`],
    ['memory', '1e9'],
  ] as const)('--%s "%s" is refused, naming the flag and the value', (key, raw) => {
    const found = problems({ [key]: raw });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} `));
  });

  it('the same spellings from the environment name the variable', () => {
    expect(problems({}, { FITMATCH_TOP_K: ' 7', FITMATCH_WEIGHTS: 'roles=1e300', FITMATCH_MEMORY: '100MB' })).toEqual([
      expect.stringMatching(/^FITMATCH_TOP_K must be a whole number .* got " 7"/),
      expect.stringMatching(/^FITMATCH_WEIGHTS weight for roles .* got "1e300"/),
      expect.stringMatching(/^FITMATCH_MEMORY must be at least 256MB/),
    ]);
  });

  it('every bad weight is reported, not only the first', () => {
    const [weights] = problems({ weights: 'roles=1e300,skills=1e-300,roles=2,nope=1' });
    expect(weights).toContain('weight for roles must be 0 or a plain decimal');
    expect(weights).toContain('weight for skills must be 0 or a plain decimal');
    expect(weights).toContain('gives roles twice');
    expect(weights).toContain('unknown facet "nope"');
  });

  it('plain spellings are accepted, at the edges too', () => {
    const c = loadConfig({
      env: { DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' },
      cwd: null,
      flags: { topK: '1000', weights: 'roles=1000000,skills=0.000001,growth=0,career=.5', memory: '256MB', threads: '2', maxShrink: '25%' },
    });
    expect(c).toMatchObject({ topK: 1000, weights: [1e6, 1e-6, 0, 0.5, 1, 1], memory: 256 * 2 ** 20, threads: 2, maxShrink: 0.25 });
  });
});

describe('numbers through bin/fitmatch', () => {
  let t: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase('hardening_numbers');
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    await seedDataset(t.url, { talents: 200, jobs: 400 });
  });
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
  });

  it('several bad numbers: exit 2, one error line listing every problem', async () => {
    const r = await runFitmatch(['match', '--top-k', '1e2', '--weights', 'roles=1e300,roles=2', '--memory', `${machineGb * 4}GB`, '--threads', '0x2'], {
      env: { ...env, FITMATCH_RESERVE: ' 9' },
    });
    expect(r.code, r.stderr).toBe(ExitCode.USAGE);
    const errors = jsonLines(r.stderr).filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    const msg = String(errors[0].msg);
    for (const p of ['--top-k must be a whole number', 'got "1e2"', 'weight for roles', 'gives roles twice', "more than this machine's", '--threads', 'got "0x2"', 'FITMATCH_RESERVE', 'got " 9"']) {
      expect(msg).toContain(p);
    }
    expect(r.stdout).toBe('');
    expect(await lastRun(t.exec, 'match')).toBeUndefined();
  });

  it.each([
    [['match', '--top-k', ' 7']],
    [['match', '--memory', '100MB']],
    [['backfill', '--dim', '1e2']],
    [['match', '--block-rows', '0x10']],
  ])('%j: exit 2 with one error line', async (args) => {
    const r = await runFitmatch(args, { env });
    expect(r.code, r.stderr).toBe(ExitCode.USAGE);
    expect(jsonLines(r.stderr).filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('--memory above the static floor but below what the data needs: exit 2 saying how much it needs, and that much is enough', async () => {
    const small = await runFitmatch(['match', '--memory', '256MB', '--top-k', '1000'], { env });
    expect(small.code, small.stderr).toBe(ExitCode.USAGE);
    const [error] = jsonLines(small.stderr).filter((l) => l.level === 'error');
    const need = /--memory 256MB is too small for \d+ job postings at dims [\d/]+: this run needs at least --memory (\d+)MB/.exec(String(error.msg));
    expect(need, String(error.msg)).not.toBeNull();
    expect(await t.exec('SELECT COUNT(*) AS n FROM match_results')).toEqual([{ n: 0 }]);
    // The refused run is recorded as failed with the reason, not left 'preparing'.
    const [refused] = (await t.exec("SELECT status, error FROM match_runs WHERE kind = 'full' ORDER BY id DESC LIMIT 1")) as { status: string; error: string }[];
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/needs at least --memory/);

    const enough = await runFitmatch(['match', '--memory', `${need![1]}MB`, '--top-k', '1000'], { env });
    expect(enough.code, enough.stderr).toBe(0);
    expect(await t.exec("SELECT id FROM match_runs WHERE status IN ('running', 'preparing')")).toEqual([]);
  });
});
