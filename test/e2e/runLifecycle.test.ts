import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../src/commands/seed.js';
import { ExitCode } from '../../src/errors.js';
import { ROLLBACK_RULE } from '../../src/runs/rollbackPlan.js';
import { ctxFor } from '../db/backfillHelpers.js';
import { jsonLines, killAllFitmatch, spawnFitmatch as spawnProcess, type FitmatchProcess } from '../helpers/fitmatchProcess.js';
import { publishedState } from '../helpers/publishedState.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedShardData } from './shardData.js';

/**
 * The numbered cases of issue 16 ("Runs as one domain"), each as an operator
 * would meet it: spawned processes, their exit codes and what the database holds.
 */
const spawn = (t: TestDatabase, args: string[], env: Record<string, string> = {}) => spawnProcess(args, { env: { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json', ...env } });
async function fitmatch(t: TestDatabase, args: string[], expected = 0) {
  const p = spawn(t, args);
  expect(await p.exit, `fitmatch ${args.join(' ')}:\n${p.stderr()}`).toBe(expected);
  return p;
}
const COMMON = ['--today', '2026-01-01', '--top-k', '7', '--block-rows', '25'];
const shard = (i: number, n: number, key: string) => ['match', ...COMMON, '--shard', `${i}/${n}`, '--run-key', key];
const HELD = '"event":"held"';
/** The log messages of a process, one a line (stderr is JSON lines). */
const said = (p: FitmatchProcess) => jsonLines(p.stderr()).map((l) => String(l.msg)).join('\n');

const publishedRow = async (t: TestDatabase) => ((await t.exec('SELECT * FROM match_published')) as Record<string, unknown>[])[0];
const runOf = async (t: TestDatabase, where: string, params: unknown[] = []) =>
  ((await t.exec(`SELECT id, kind, status, base_run_id, error FROM match_runs WHERE ${where} ORDER BY id DESC LIMIT 1`, params)) as { id: number; kind: string; status: string; base_run_id: number | null; error: string | null }[])[0];
const lastRunId = async (t: TestDatabase) => Number((await runOf(t, '1 = 1')).id);
/** A published posting with an embedding, closed by the app: the next run must drop it. */
async function closeAPosting(t: TestDatabase): Promise<number> {
  const [{ id }] = (await t.exec(
    "SELECT jp.id FROM job_postings jp JOIN match_results r ON r.job_posting_id = jp.id WHERE jp.status = 'PUBLISHED' ORDER BY jp.id LIMIT 1",
  )) as { id: number }[];
  await t.exec("UPDATE job_postings SET status = 'CLOSED' WHERE id = ?", [id]);
  return Number(id);
}
const rowsOfPosting = async (t: TestDatabase, id: number) => Number(((await t.exec('SELECT COUNT(*) AS n FROM match_results WHERE job_posting_id = ?', [id])) as { n: number }[])[0].n);

describe('runs as one domain, as an operator runs them', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('lifecycle');
    await seedShardData(t, { talents: 120, jobs: 40 });
    await fitmatch(t, ['match', ...COMMON]);
  }, 120_000);
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
  });

  it('case 1: the late shard of an older shared run is refused with exit 15 after a newer full run published; nothing changes; --force overrides', async () => {
    await fitmatch(t, shard(0, 2, 'old'));
    const old = Number((await runOf(t, 'run_key = ?', ['old'])).id);
    const closed = await closeAPosting(t);
    await fitmatch(t, ['match', ...COMMON]);
    const full = await lastRunId(t);
    const before = { state: await publishedState(t.exec), row: await publishedRow(t) };
    expect(before.state.runIds).toEqual([full]);
    expect(await rowsOfPosting(t, closed)).toBe(0);

    const late = await fitmatch(t, shard(1, 2, 'old'), ExitCode.STALE_RUN);
    expect(said(late)).toContain(`refusing to publish run ${old} ("old"): the published run ${full} read newer data`);
    expect(said(late)).toContain(`fitmatch publish --run-id ${old} --force`);
    expect(await publishedState(t.exec)).toEqual(before.state);
    expect(await publishedRow(t)).toEqual(before.row);
    expect(await rowsOfPosting(t, closed)).toBe(0);
    // The same refusal by key; and status does not call the refused run healthy progress.
    await fitmatch(t, ['publish', '--run-key', 'old'], ExitCode.STALE_RUN);
    const st = await fitmatch(t, ['status', '--json']);
    expect(JSON.parse(st.stdout()).inProgress).toEqual([expect.objectContaining({ id: old, kind: 'full', alive: false, supersededBy: full, next: expect.stringContaining('fitmatch cleanup --run-key old') })]);

    const forced = await fitmatch(t, ['publish', '--run-id', String(old), '--force']);
    expect(said(forced)).toContain(`publishing run ${old} ("old") over the newer run ${full} (--force)`);
    expect((await publishedState(t.exec)).runIds).toEqual([old]);
    await t.exec("UPDATE job_postings SET status = 'PUBLISHED' WHERE id = ?", [closed]);
    await fitmatch(t, ['match', ...COMMON]);
  });

  it('publishing in the stale order on every path: the newer set survives', async () => {
    // One process computed without publishing (older snapshot), then a shared run publishes a newer set.
    await fitmatch(t, ['match', ...COMMON, '--no-publish']);
    const staged = await lastRunId(t);
    await fitmatch(t, shard(0, 1, 'newer'));
    const newer = await lastRunId(t);
    const kept = await publishedState(t.exec);
    expect(kept.runIds).toEqual([newer]);
    // `publish` and the one-process path (--resume publishes the staged run) are refused.
    await fitmatch(t, ['publish', '--run-id', String(staged)], ExitCode.STALE_RUN);
    const resumed = await fitmatch(t, ['match', ...COMMON, '--resume'], ExitCode.STALE_RUN);
    expect(said(resumed)).toMatch(new RegExp(`resuming run ${staged}`));
    expect(await runOf(t, 'id = ?', [staged])).toMatchObject({ status: 'failed', error: expect.stringContaining('refusing to publish') });
    // Two keys racing: the older key's last shard comes second.
    await fitmatch(t, shard(0, 2, 'race-a'));
    await fitmatch(t, shard(0, 2, 'race-b'));
    await fitmatch(t, shard(1, 2, 'race-b'));
    const b = await publishedState(t.exec);
    await fitmatch(t, shard(1, 2, 'race-a'), ExitCode.STALE_RUN);
    expect(await publishedState(t.exec)).toEqual(b);
    // An incremental run checks the same rule right before its apply: made stale while it is held there, it is refused.
    await closeAPosting(t);
    const inc = spawn(t, ['match', ...COMMON, '--incremental'], { FITMATCH_TEST_HOLD: 'before_apply' });
    await inc.waitFor(HELD);
    await t.exec("UPDATE match_runs SET snapshot_at = '2099-01-01' WHERE id = ?", [b.runIds[0]]);
    inc.child.kill('SIGUSR2');
    expect(await inc.exit, inc.stderr()).toBe(ExitCode.STALE_RUN);
    expect(await publishedState(t.exec)).toEqual(b);
    await t.exec('UPDATE match_runs SET snapshot_at = started_at WHERE id = ?', [b.runIds[0]]);
  });

  it('cases 2 and 3: full → incremental → full → rollback → rollback restores each earlier set exactly, published_at included; never forward', async () => {
    await fitmatch(t, ['match', ...COMMON]);
    const f1 = await lastRunId(t);
    // A day-old publish: status --max-age must judge the restored set by this age, not by the rollback's.
    await t.exec('UPDATE match_published SET published_at = published_at - INTERVAL 2 DAY');
    const s1 = { state: await publishedState(t.exec), row: await publishedRow(t) };
    await closeAPosting(t);
    await fitmatch(t, ['match', ...COMMON, '--incremental']);
    const i2 = await runOf(t, '1 = 1');
    expect(i2).toMatchObject({ kind: 'incremental', base_run_id: f1 });
    const s2 = { state: await publishedState(t.exec), row: await publishedRow(t) };
    await closeAPosting(t);
    await fitmatch(t, ['match', ...COMMON]);
    const f3 = await lastRunId(t);
    const s3 = { state: await publishedState(t.exec), row: await publishedRow(t) };

    const dry = await fitmatch(t, ['rollback', '--dry-run']);
    expect(said(dry)).toContain(`would restore run ${i2.id} (published ${(s2.row.published_at as Date).toISOString()})`);
    expect(await publishedState(t.exec)).toEqual(s3.state);

    await fitmatch(t, ['rollback']);
    expect({ state: await publishedState(t.exec), row: await publishedRow(t) }).toEqual(s2);
    await fitmatch(t, ['rollback']);
    expect({ state: await publishedState(t.exec), row: await publishedRow(t) }).toEqual(s1);
    await fitmatch(t, ['status', '--max-age', '1d'], ExitCode.STATUS_STALE);
    const third = await fitmatch(t, ['rollback'], ExitCode.FAILED);
    expect(said(third)).toContain(`no set older than run ${f1} is kept (the kept run ${f3} is newer: \`fitmatch publish --run-id ${f3}\` publishes it again)`);
    expect(await publishedState(t.exec)).toEqual(s1.state);
    await fitmatch(t, ['publish', '--run-id', String(f3)]);
    expect({ state: await publishedState(t.exec), row: await publishedRow(t) }).toEqual(s3);
    expect(await runOf(t, 'id = ?', [i2.id])).toMatchObject({ status: 'rolled_back' });

    const help = await fitmatch(t, ['rollback', '--help']);
    expect(help.stdout().replace(/\s+/g, ' ')).toContain(ROLLBACK_RULE);
  });

  it('case 4: SIGTERM in the incremental write phase, before the apply transaction and inside it: exit 5, nothing changed', async () => {
    await closeAPosting(t);
    const before = { state: await publishedState(t.exec), row: await publishedRow(t) };
    for (const point of ['before_apply', 'in_apply']) {
      const p = spawn(t, ['match', ...COMMON, '--incremental'], { FITMATCH_TEST_HOLD: point });
      await p.waitFor(HELD);
      p.child.kill('SIGTERM');
      expect(await p.exit, p.stderr()).toBe(ExitCode.INTERRUPTED);
      expect({ state: await publishedState(t.exec), row: await publishedRow(t) }, point).toEqual(before);
      expect(await runOf(t, '1 = 1')).toMatchObject({ kind: 'incremental', status: 'interrupted' });
    }
    await fitmatch(t, ['match', ...COMMON, '--incremental']);
    expect((await publishedState(t.exec)).checksum).not.toBe(before.state.checksum);
  });

  it('case 6: run keys compare exactly and are checked up front with exit 2, never a database error', async () => {
    for (const key of ['OLD', 'Old']) {
      const p = await fitmatch(t, ['publish', '--run-key', key], ExitCode.USAGE);
      expect(said(p)).toContain(`run "${key}" does not exist`);
    }
    for (const key of ['ｏld', 'old ', 'x'.repeat(192)]) {
      const p = await fitmatch(t, shard(0, 2, key), ExitCode.USAGE);
      expect(said(p)).toMatch(/--run-key .*(is not a valid run key|at most 191 are allowed)/);
      expect(said(p)).not.toMatch(/database error|ER_/);
    }
    await fitmatch(t, shard(0, 1, 'y'.repeat(191)));
  });

  it('case 7: an incremental run with nothing changed records no run and publishes nothing', async () => {
    const before = { state: await publishedState(t.exec), row: await publishedRow(t), runs: await lastRunId(t) };
    const p = await fitmatch(t, ['match', ...COMMON, '--incremental']);
    expect(said(p)).toContain('nothing changed since the published run');
    expect({ state: await publishedState(t.exec), row: await publishedRow(t), runs: await lastRunId(t) }).toEqual(before);
  });

  it('case 5, incremental: an apply that would leave match_results empty rolls back with exit 8', async () => {
    const open = ((await t.exec("SELECT id FROM job_postings WHERE status = 'PUBLISHED'")) as { id: number }[]).map((r) => Number(r.id));
    const before = { state: await publishedState(t.exec), row: await publishedRow(t), run: await lastRunId(t) };
    await t.exec("UPDATE job_postings SET status = 'CLOSED' WHERE id IN (?)", [open]);
    try {
      const p = await fitmatch(t, ['match', ...COMMON, '--incremental', '--max-change', '100%'], ExitCode.REFUSED);
      expect(said(p)).toContain('so match_results would be empty');
      expect({ state: await publishedState(t.exec), row: await publishedRow(t) }).toEqual({ state: before.state, row: before.row });
      expect(await runOf(t, 'id > ?', [before.run])).toMatchObject({ kind: 'incremental', status: 'failed' });
    } finally {
      await t.exec("UPDATE job_postings SET status = 'PUBLISHED' WHERE id IN (?)", [open]);
    }
  });

  it('case 8: status marks a killed shared run superseded once a later run succeeded, and names the command that cleans it up', async () => {
    const victim = spawn(t, shard(0, 2, 'killed'), { FITMATCH_TEST_HOLD: 'after_block' });
    await victim.waitFor(HELD);
    victim.child.kill('SIGKILL');
    await victim.exit;
    const killed = Number((await runOf(t, 'run_key = ?', ['killed'])).id);
    await fitmatch(t, ['match', ...COMMON]);
    const full = await lastRunId(t);
    const st = await fitmatch(t, ['status']);
    expect(st.stdout()).toContain(`full #${killed} superseded: no process holds its lock and run ${full} succeeded since; clean up: fitmatch cleanup --run-key killed`);
    expect(st.stdout()).not.toContain('NO PROCESS HOLDS ITS LOCK');
    expect(st.stdout()).toMatch(new RegExp(`#${full} full +succeeded`));
    await fitmatch(t, ['cleanup', '--run-key', 'killed']);
    expect(await runOf(t, 'id = ?', [killed])).toMatchObject({ status: 'abandoned' });
  });
});

describe('case 5: an empty first publish', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('lifecycle_empty');
    await seed({ seed: 3, talents: 20, jobs: 5, companies: 2, dim: 8, dirty: 0, timezone: 'Asia/Seoul' }, ctxFor(t));
  }, 120_000);
  afterAll(async () => t?.drop());

  it('migrate && match without backfill is refused with exit 8; --allow-empty publishes it, and status calls the empty set a problem', async () => {
    const refused = await fitmatch(t, ['match', ...COMMON], ExitCode.REFUSED);
    expect(said(refused)).toContain('it found no match at all, so match_results would be empty');
    expect(await t.exec('SELECT * FROM match_published')).toEqual([]);
    await fitmatch(t, ['status'], ExitCode.STATUS_INCOMPLETE);
    await fitmatch(t, ['match', ...COMMON, '--allow-empty']);
    expect(await t.exec('SELECT COUNT(*) AS n FROM match_published')).toEqual([{ n: 1 }]);
    const st = await fitmatch(t, ['status'], ExitCode.STATUS_INCOMPLETE);
    expect(st.stdout()).toMatch(/the published run \d+ has no match at all: match_results is empty/);
  });
});
