import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../../src/commands/run.js';
import { runReport } from '../../src/commands/commandReports.js';
import { ExitCode, FitmatchError } from '../../src/errors.js';
import { readPublishedState } from '../../src/store/resultTables.js';
import { readJournal } from '../../src/migrate/journal.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { DIRTY_SQL } from './backfillDirtyData.js';
import { publishedRows } from './matchHelpers.js';
import { bruteForceEngine } from './matchReference.js';
import { CLEAN_SQL, jsonCtx } from './runHelpers.js';
import { withHolds } from '../helpers/holds.js';

const opts = (o: Partial<RunOptions> = {}): RunOptions => ({ backfill: { source: 'matching_vectors' }, match: { engine: bruteForceEngine(), allowShrink: true }, ...o });
const runsOf = async (t: TestDatabase) => (await t.exec('SELECT id, kind, status FROM match_runs ORDER BY id')) as { id: number; kind: string; status: string }[];

async function exitOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof FitmatchError) return e.exitCode;
    throw e;
  }
}

describe('fitmatch run (in process)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('run_dirty');
    await t.exec(DIRTY_SQL);
    await t.exec("UPDATE job_postings SET status = 'PUBLISHED'");
  });
  afterAll(async () => t?.drop());

  it('backfills, matches and publishes, with one summary of every phase; skipped rows still exit 0', async () => {
    const ctx = jsonCtx(t);
    const s = await run(opts(), ctx);
    expect(s.phases.migrate).toEqual({ ms: expect.any(Number), applied: [] });
    expect(s.phases.backfill).toMatchObject({ source: 'matching_vectors', talents: { inserted: 5 }, jobs: { inserted: 2 } });
    const published = (await readPublishedState(t.db.pool))!;
    expect(s.phases.match).toMatchObject({ runId: published.runId, published: true, eligibleTalents: 5, eligibleJobs: 2 });
    expect(s.phases.match!.rowsTalentToJob + s.phases.match!.rowsJobToTalent).toBe((await publishedRows(t)).length);
    expect(s.skipped.total).toBeGreaterThan(0);
    expect(await runsOf(t)).toEqual([
      { id: expect.any(Number), kind: 'backfill', status: 'succeeded' },
      { id: published.runId, kind: 'full', status: 'succeeded' },
    ]);
    const [event] = ctx.events('run_summary');
    expect(event.summary).toEqual(JSON.parse(JSON.stringify(s)));
    expect(event.msg).not.toContain('\n');
    expect(runReport(s).human).toMatch(/^run finished in .*\n {2}migrate: nothing pending\n {2}backfill \(matching_vectors\): talents 5 inserted/);
  });

  it('--incremental: the every-few-minutes job updates the published set for what changed', async () => {
    const before = (await readPublishedState(t.db.pool))!;
    await t.exec("UPDATE job_postings SET status = 'CLOSED' WHERE id = (SELECT MIN(job_posting_id) FROM job_embeddings)");
    // One of the two postings: far above the default --max-change, on purpose.
    const ctx = jsonCtx(t, { flags: { maxChange: '100%' } });
    const s = await run(opts({ match: { engine: bruteForceEngine(), incremental: true } }), ctx);
    expect(s.phases.match).toMatchObject({ published: true, incremental: { jobsChanged: 1 } });
    const after = (await readPublishedState(t.db.pool))!;
    expect(after).toMatchObject({ runId: s.phases.match!.runId, baseRunId: before.baseRunId });
    expect(runReport(s).human).toMatch(/match: incremental run \d+ published; 0 talents and 1 postings changed/);
    await t.exec("UPDATE job_postings SET status = 'PUBLISHED' WHERE id = (SELECT MIN(job_posting_id) FROM job_embeddings)");
  });

  it('--strict trips on new bad rows only: the permanent dirt of earlier runs passes, a new bad row exits 9 (results published)', async () => {
    // The earlier runs of this file skipped the same dirty rows: nothing new.
    const calm = jsonCtx(t);
    const s = await run(opts({ strict: true, backfill: { source: 'matching_vectors', full: true } }), calm);
    expect(s.skipped.total).toBeGreaterThan(0);
    expect(s.newSkipped).toMatchObject({ total: 0, comparedWithRunId: expect.any(Number) });
    // --full re-reads every entity, so every dropped facet is listed (an incremental run lists only those it re-read).
    expect(s.skipped.byReason).toEqual({
      'row:superseded_duplicate': 2,
      'row:no_valid_facet': 1,
      'row:no_talent_profile': 1,
      'row:talent_row_with_posting': 1,
      'row:company_row_without_posting': 1,
      'row:posting_of_other_company': 2,
    });
    expect(s.skipped.dropped).toMatchObject({ 'facet:empty': 1, 'facet:not_numeric': 3, 'facet:not_finite': 3, 'facet:zero_norm': 1, 'facet:wrong_dim': 2, 'facet:bad_shape': 3 });
    expect(s.skipped.expected).toEqual({ 'row:talent_deleted': 1, 'row:posting_deleted': 1 });

    // One new row without a talent profile.
    await t.exec("INSERT INTO users (id, email, password_hash, role) VALUES (990, 'new-dirt@x', 'x', 'talent')");
    await t.exec("INSERT INTO matching_vectors (user_id, role, job_posting_id, updated_at, vector_roles) VALUES (990, 'talent', NULL, '2026-01-01 00:00:00', '[1,2,3,4]')");
    expect((await run(opts({ strict: true, maxSkipped: { rows: 1 } }), jsonCtx(t))).newSkipped).toMatchObject({ total: 1, allowed: 1 });
    await t.exec("INSERT INTO users (id, email, password_hash, role) VALUES (991, 'new-dirt-2@x', 'x', 'talent')");
    await t.exec("INSERT INTO matching_vectors (user_id, role, job_posting_id, updated_at, vector_roles) VALUES (991, 'talent', NULL, '2026-01-01 00:00:00', '[1,2,3,4]')");
    const before = await runsOf(t);
    const ctx = jsonCtx(t);
    const e = await run(opts({ strict: true }), ctx).catch((x) => x);
    expect(e).toMatchObject({ exitCode: ExitCode.SKIPPED_ROWS, message: expect.stringContaining('1 new bad source row(s)') });
    expect(e.report.human).toContain('new bad rows since backfill run');
    const [event] = ctx.events('run_summary');
    expect((event.summary as { newSkipped: { byReason: Record<string, number> } }).newSkipped.byReason).toEqual({ 'row:no_talent_profile': 1 });
    const after = await runsOf(t);
    expect(after.slice(before.length).map((r) => `${r.kind}:${r.status}`)).toEqual(['backfill:succeeded', 'full:succeeded']);
    expect((await readPublishedState(t.db.pool))!.runId).toBe(after.at(-1)!.id);
    // The next run compares with that one: the dirt is no longer new.
    expect((await run(opts({ strict: true }), jsonCtx(t))).newSkipped!.total).toBe(0);
  });

  it('a stop between the backfill and the match leaves match_results untouched and exits 5', async () => {
    const before = { rows: await publishedRows(t), runs: await runsOf(t) };
    const stop = new AbortController();
    const ctx = jsonCtx(t, { signal: stop.signal });
    const p = withHolds(['before_match'], ctx.log, () => stop.abort(new Error('SIGTERM')), () => run(opts(), ctx));
    await expect(p).rejects.toMatchObject({ exitCode: ExitCode.INTERRUPTED, message: expect.stringContaining('after the backfill, before the match phase: match_results is unchanged') });
    expect(await publishedRows(t)).toEqual(before.rows);
    expect((await runsOf(t)).slice(before.runs.length).map((r) => `${r.kind}:${r.status}`)).toEqual(['backfill:succeeded']);
  });

  it('a setting only the data can judge (--memory too small) exits 2 before the backfill', async () => {
    const before = await runsOf(t);
    const ctx = jsonCtx(t);
    // Below the floor loadConfig enforces, so that this small dataset cannot fit: what a 256MB budget is to production data.
    const small = { ...ctx, config: { ...ctx.config, memory: 1024 } };
    const e = await run(opts(), small).catch((x) => x);
    expect(e).toMatchObject({ exitCode: ExitCode.USAGE, message: expect.stringContaining('is too small for') });
    expect(await runsOf(t)).toEqual(before);
    expect(ctx.events('backfill_summary')).toEqual([]);
  });

  it('a stop before the backfill runs nothing', async () => {
    const before = await runsOf(t);
    const stop = new AbortController();
    stop.abort(new Error('SIGINT'));
    expect(await exitOf(run(opts(), jsonCtx(t, { signal: stop.signal })))).toBe(ExitCode.INTERRUPTED);
    expect(await runsOf(t)).toEqual(before);
  });
});

describe('fitmatch run: migrations and --strict on clean data', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('run_pending', { migrate: false });
    await t.exec(CLEAN_SQL);
  });
  afterAll(async () => t?.drop());

  it('stops with exit 10 on pending migrations, touching nothing', async () => {
    const e = await run(opts(), jsonCtx(t)).catch((x) => x);
    expect(e).toMatchObject({ exitCode: ExitCode.CHECK_PENDING, message: expect.stringContaining('pending fitmatch migration(s)') });
    expect(e.message).toContain('fitmatch run --migrate');
    expect(await t.exec("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('fitmatch_migrations', 'match_runs', 'talent_embeddings')")).toEqual([]);
  });

  it('--migrate applies them, then runs; --strict passes when nothing was skipped', async () => {
    const s = await run(opts({ migrate: true, strict: true }), jsonCtx(t));
    expect(s.phases.migrate.applied.map((a) => a.tag)).toEqual(readJournal().map((m) => m.tag));
    expect(s.skipped).toEqual({ total: 0, byReason: {}, expected: {}, dropped: {} });
    expect(s.phases.match).toMatchObject({ published: true, eligibleTalents: 3, eligibleJobs: 2, rowsTalentToJob: 6, rowsJobToTalent: 6 });
    const again = await run(opts({ migrate: true, strict: true }), jsonCtx(t));
    expect(again.phases.migrate.applied).toEqual([]);
    expect(again.phases.backfill!.talents).toMatchObject({ inserted: 0, unchanged: 3 });
  });
});
