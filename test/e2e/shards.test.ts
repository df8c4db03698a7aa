import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { killAllFitmatch, spawnFitmatch as spawnProcess } from '../helpers/fitmatchProcess.js';
import { resultSet, seedShardData } from './shardData.js';

const spawnFitmatch = (url: string, args: string[], env: Record<string, string> = {}) =>
  spawnProcess(args, { env: { DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json', ...env } });
/** Runs to completion; fails with the output when the exit code is not `expected`. */
async function runFitmatch(url: string, args: string[], expected = 0) {
  const p = spawnFitmatch(url, args);
  expect(await p.exit, `fitmatch ${args.join(' ')}:\n${p.stderr()}`).toBe(expected);
  return p;
}

/** The seed's clock says 2026-01-01; match compares deadlines with the same day. */
const COMMON = ['--today', '2026-01-01', '--top-k', '7', '--block-rows', '25'];
const shardArgs = (i: number, n: number, key: string) => ['match', ...COMMON, '--shard', `${i}/${n}`, '--run-key', key];
/** Holds a process after its n-th block (src/holdPoint.ts) until it is killed or let go (SIGUSR2). */
const holdAfterBlock = (n: number) => ({ FITMATCH_TEST_HOLD: `after_block@${n}` });
const HELD = '"event":"held"';

const shuffled = <T>(xs: T[]): T[] => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
const runIds = async (t: TestDatabase) => ((await t.exec('SELECT DISTINCT run_id AS id FROM match_results')) as { id: number }[]).map((r) => Number(r.id));

describe('a run spread over shards', () => {
  let t: TestDatabase;
  let single: Awaited<ReturnType<typeof resultSet>>;
  beforeAll(async () => {
    t = await createTestDatabase('shards');
    await seedShardData(t, { talents: 240, jobs: 50 });
    await runFitmatch(t.url, ['match', ...COMMON]);
    single = await resultSet(t);
  }, 120_000);
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
  });

  it('has ties, missing facets and enough talents for several blocks per shard', async () => {
    expect(single.filter((r) => r.direction === 'talent_to_job').length).toBeGreaterThan(1000);
    expect(single.some((r) => r.facets.includes(null))).toBe(true);
    const [{ n }] = (await t.exec("SELECT COUNT(*) AS n FROM match_run_blocks b JOIN match_runs r ON r.id = b.run_id WHERE r.run_key IS NULL")) as { n: number }[];
    expect(Number(n)).toBeGreaterThanOrEqual(6);
  });

  it('three processes started in any order publish exactly what one process publishes', async () => {
    const procs = shuffled([0, 1, 2]).map((i) => spawnFitmatch(t.url, shardArgs(i, 3, 'three')));
    const codes = await Promise.all(procs.map((p) => p.exit));
    expect(codes, procs.map((p) => p.stderr()).join('\n')).toEqual([0, 0, 0]);
    expect(await resultSet(t)).toEqual(single);
    const [run] = (await t.exec("SELECT id, status, shards FROM match_runs WHERE run_key = 'three'")) as { id: number; status: string; shards: number }[];
    expect(run).toMatchObject({ status: 'succeeded', shards: 3 });
    expect(await runIds(t)).toEqual([Number(run.id)]);
    // Exactly one process published.
    expect(procs.filter((p) => p.stderr().includes('"event":"match_summary"'))).toHaveLength(1);
  });

  it('a shard killed mid-run and run again alone finishes the run, without recomputing its finished blocks', async () => {
    const others = [0, 2].map((i) => spawnFitmatch(t.url, shardArgs(i, 3, 'killed')));
    const victim = spawnFitmatch(t.url, shardArgs(1, 3, 'killed'), holdAfterBlock(2));
    await victim.waitFor(HELD);
    victim.child.kill('SIGKILL');
    await victim.exit;
    expect(await Promise.all(others.map((p) => p.exit))).toEqual([0, 0]);
    const [run] = (await t.exec("SELECT id, status FROM match_runs WHERE run_key = 'killed'")) as { id: number; status: string }[];
    expect(run.status).toBe('running'); // nothing published without shard 1
    const retry = await runFitmatch(t.url, shardArgs(1, 3, 'killed'));
    expect(retry.stderr()).toMatch(/shard 1: 2 block\(s\) already done by an earlier attempt; not recomputed/);
    expect(await resultSet(t)).toEqual(single);
    expect(await runIds(t)).toEqual([Number(run.id)]);
  });

  it('the same shard started twice at once: one works, the other exits 4; no row is doubled', async () => {
    const a = spawnFitmatch(t.url, shardArgs(0, 2, 'twice'), holdAfterBlock(1));
    await a.waitFor(HELD);
    const b = await runFitmatch(t.url, shardArgs(0, 2, 'twice'), 4);
    expect(b.stderr()).toMatch(/another process working on shard 0\/2 of run \d+/);
    a.child.kill('SIGUSR2');
    expect(await a.exit).toBe(0);
    await runFitmatch(t.url, shardArgs(1, 2, 'twice'));
    expect(await resultSet(t)).toEqual(single);
  });

  it('a shard that never comes back leaves the run unpublished; `fitmatch publish` refuses until it is done', async () => {
    await runFitmatch(t.url, shardArgs(0, 2, 'missing'));
    const before = await runIds(t);
    const refused = await runFitmatch(t.url, ['publish', '--run-key', 'missing'], 6);
    expect(refused.stderr()).toMatch(/not complete: \d+ block\(s\) of shard\(s\) 1 are not done/);
    expect(await runIds(t)).toEqual(before);
    await runFitmatch(t.url, shardArgs(1, 2, 'missing'));
    expect(await resultSet(t)).toEqual(single);
  });

  it('--resume continues a killed one-process run from its last finished block', async () => {
    const victim = spawnFitmatch(t.url, ['match', ...COMMON], holdAfterBlock(3));
    await victim.waitFor(HELD);
    victim.child.kill('SIGKILL');
    await victim.exit;
    const resumed = await runFitmatch(t.url, ['match', ...COMMON, '--resume']);
    expect(resumed.stderr()).toMatch(/resuming run \d+/);
    expect(resumed.stderr()).toMatch(/3 block\(s\) already done by an earlier attempt; not recomputed/);
    expect(await resultSet(t)).toEqual(single);
  });

  it('a talent soft-deleted between shards: every shard uses the run snapshot, so it is still matched', async () => {
    await runFitmatch(t.url, shardArgs(0, 3, 'soft'));
    // Clones are the last talents: in shard 2's range.
    const [soft] = (await t.exec("SELECT id FROM users WHERE email LIKE 'clone%' ORDER BY id DESC LIMIT 1 OFFSET 1")) as { id: number }[];
    await t.exec('UPDATE users SET deleted_at = NOW() WHERE id = ?', [soft.id]);
    try {
      await runFitmatch(t.url, shardArgs(1, 3, 'soft'));
      await runFitmatch(t.url, shardArgs(2, 3, 'soft'));
      expect(await resultSet(t)).toEqual(single);
      expect(single.some((r) => r.talent === Number(soft.id))).toBe(true);
    } finally {
      await t.exec('UPDATE users SET deleted_at = NULL WHERE id = ?', [soft.id]);
    }
  });

  it('a talent hard-deleted before its shard runs: no row of it is published, the rest as a fresh run computes it', async () => {
    await runFitmatch(t.url, shardArgs(0, 3, 'hard'));
    await runFitmatch(t.url, shardArgs(1, 3, 'hard'));
    const [hard] = (await t.exec("SELECT id FROM users WHERE email LIKE 'clone%' ORDER BY id DESC LIMIT 1")) as { id: number }[];
    expect(single.some((r) => r.talent === Number(hard.id))).toBe(true);
    await t.exec('DELETE FROM talent_profiles WHERE user_id = ?', [hard.id]);
    await t.exec('DELETE FROM users WHERE id = ?', [hard.id]);
    await runFitmatch(t.url, shardArgs(2, 3, 'hard'));
    const published = await resultSet(t);
    expect(published.filter((r) => r.talent === Number(hard.id))).toEqual([]);
    const fresh = await runFitmatch(t.url, ['match', ...COMMON, '--no-publish']);
    const staged = Number(/staged, not published \(--no-publish\): publish it with `fitmatch publish --run-id (\d+)`/.exec(fresh.stderr())![1]);
    expect(published).toEqual(await resultSet(t, `match_results_r${staged}`));
  });
});
