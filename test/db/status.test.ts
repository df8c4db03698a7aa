import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../../src/commands/match.js';
import { status, type StatusOptions } from '../../src/commands/status.js';
import { writeStatusMetrics } from '../../src/metrics/runMetrics.js';
import { acquireLock, type HeldLock } from '../../src/db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../../src/errors.js';
import { shardLockPurpose } from '../../src/runs/cleanupRuns.js';
import type { Eligibility } from '../../src/engine/eligibility.js';
import { jobIdsQuery, talentIdsQuery } from '../../src/store/eligibilityQueries.js';
import { readPublishedState } from '../../src/store/resultTables.js';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { readJournal } from '../../src/migrate/journal.js';
import type { StatusReport } from '../../src/status/readStatus.js';
import { jobEntityWhere, talentEntityWhere } from '../../src/store/eligibilityQueries.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedDirtyData } from './matchDirtyData.js';
import { matchCtx, publishedRows } from './matchHelpers.js';
import { bruteForceEngine } from './matchReference.js';
import { seedJob, seedTalent } from './matchSeed.js';
import { jsonCtx } from './runHelpers.js';

const HOUR = 3_600_000;

/** Runs status at `at`; returns its exit code, its report and what it printed. */
async function statusAt(t: TestDatabase, at: Date, o: Partial<StatusOptions> = {}): Promise<{ code: number; report: StatusReport; text: string }> {
  let text = '';
  const opts: StatusOptions = { maxAgeMs: 36 * HOUR, write: (s) => (text += s), ...o };
  try {
    await status({ ...opts, json: true }, jsonCtx(t, { at }));
  } catch (e) {
    if (!(e instanceof FitmatchError)) throw e;
  }
  const report = JSON.parse(text) as StatusReport;
  text = '';
  let code = 0;
  try {
    await status({ ...opts, json: false }, jsonCtx(t, { at }));
  } catch (e) {
    if (!(e instanceof FitmatchError)) throw e;
    code = e.exitCode;
  }
  return { code, report, text };
}

describe('fitmatch status: nothing ever run', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('status_never', { migrate: false });
    await seedTalent(t, { id: 1 });
  });
  afterAll(async () => t?.drop());

  it('on a database never migrated: pending migrations, no coverage, exit 22', async () => {
    const { code, report, text } = await statusAt(t, new Date());
    expect(code).toBe(ExitCode.STATUS_INCOMPLETE);
    expect(report).toMatchObject({ published: null, lastRuns: { match: [], backfill: [] }, inProgress: [], coverage: null, migrations: { pending: readJournal().map((m) => m.tag) } });
    expect(report.health.problems.map((p) => p.kind)).toEqual(['nothing_published']);
    expect(text).toContain('published     nothing has been published yet');
    expect(text).toContain(`migrations    ${readJournal().length} pending`);
    expect(text).toContain('health        FAILED (exit 22): nothing has ever been published');
  });

  it('migrated, still nothing published: exit 22, and the talent without an embedding is counted', async () => {
    await applyMigrations(t.db);
    const { code, report } = await statusAt(t, new Date());
    expect(code).toBe(ExitCode.STATUS_INCOMPLETE);
    expect(report.migrations.pending).toEqual([]);
    expect(report.coverage).toMatchObject({ rulesOfRun: null, withoutEmbedding: { talents: { count: 1, examples: [1] }, jobs: { count: 0, examples: [] } } });
  });
});

describe('fitmatch status with a published run', () => {
  let t: TestDatabase;
  let publishedAt: Date;
  let runId: number;
  const later = (h: number) => new Date(publishedAt.getTime() + h * HOUR);
  beforeAll(async () => {
    t = await createTestDatabase('status_pub');
    await seedDirtyData(t);
    await seedTalent(t, { id: 130, vecs: [[1, 0, 0, 0, 0, 0, 0, 0]], userDeleted: true });
    await seedTalent(t, { id: 131, vecs: [[1, 0, 0, 0, 0, 0, 0, 0]], profileDeleted: true });
    await seedTalent(t, { id: 132, vecs: [[1, 0, 0, 0, 0, 0, 0, 0]], role: 'company' });
    await seedTalent(t, { id: 133 }); // eligible, no embedding
    await seedJob(t, { id: 230, companyId: 900, vecs: [[1, 0, 0, 0, 0, 0, 0, 0]], status: 'CLOSED' });
    await seedJob(t, { id: 231, companyId: 900, vecs: [[1, 0, 0, 0, 0, 0, 0, 0]], deadline: '2026-06-01' });
    await seedJob(t, { id: 232, companyId: 900 }); // eligible, no embedding
    await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '3' }));
    const p = (await readPublishedState(t.db.pool))!;
    publishedAt = p.publishedAt;
    runId = p.runId;
    // After the run: a new talent (eligible, not published) and a talent whose source row is newer than its import.
    await seedTalent(t, { id: 140, vecs: [[0, 1, 0, 0, 0, 0, 0, 0]] });
    await t.exec("UPDATE talent_embeddings SET source = 'matching_vectors', source_row_id = 900, source_updated_at = '2026-01-01 00:00:00' WHERE talent_user_id = 101");
    await t.exec("INSERT INTO matching_vectors (id, user_id, role, updated_at, vector_roles) VALUES (900, 101, 'talent', '2026-02-01 00:00:00', '[1,2]')");
  });
  afterAll(async () => t?.drop());

  it('healthy: the published run with its age, k, weights and rows per direction; the last runs; coverage now', async () => {
    const { code, report, text } = await statusAt(t, later(1));
    expect(code).toBe(0);
    const rows = await publishedRows(t);
    expect(report.published).toEqual({
      runId,
      baseRunId: runId,
      publishedAt: publishedAt.toISOString(),
      ageMs: HOUR,
      topK: 3,
      reserve: 16,
      weights: { roles: 1, skills: 1, growth: 1, career: 1, vision: 1, culture: 1 },
      rows: { talentToJob: rows.filter((r) => r.direction === 'talent_to_job').length, jobToTalent: rows.filter((r) => r.direction === 'job_to_talent').length },
    });
    expect(report.lastRuns.match).toEqual([expect.objectContaining({ id: runId, status: 'succeeded', counts: expect.objectContaining({ eligibleTalents: 8, rowsTalentToJob: expect.any(Number) }), error: null })]);
    expect(report.inProgress).toEqual([]);
    // 109 has no usable facet and 140 came after the run: eligible by SQL, in no list.
    expect(report.coverage).toMatchObject({
      rulesOfRun: runId,
      eligibility: { jobStatuses: ['PUBLISHED'], includeExpired: false, includeDeleted: false, timezone: 'Asia/Seoul' },
      withoutEmbedding: { talents: { count: 1, examples: [133] }, jobs: { count: 1, examples: [232] } },
      staleEmbeddings: { talents: { count: 1, examples: [101] }, jobs: { count: 0 } },
      notPublished: { talents: { count: 2, examples: [109, 140] }, jobs: { count: 0 } },
    });
    expect(report.health).toEqual({ exitCode: 0, maxAgeMs: 36 * HOUR, minCoverage: null, problems: [] });
    expect(text).toContain(`published     run ${runId} at ${publishedAt.toISOString()} (1h 00m ago)`);
    expect(text).toContain('top 3 (+16 reserve), weights roles=1 skills=1 growth=1 career=1 vision=1 culture=1');
    expect(text).toMatch(/without an embedding: {5}1 talent \(e\.g\. 133\) \(\d+\.\d% of \d+\), 1 posting \(e\.g\. 232\) \(\d+\.\d% of \d+\)/);
    expect(text).toContain('eligible, not published:  2 talents (e.g. 109, 140), 0 postings');
    expect(text).toContain('health        ok');
  });

  it('stale: older than --max-age by the command clock exits 20; without a limit it is fine', async () => {
    const stale = await statusAt(t, later(40));
    expect(stale.code).toBe(ExitCode.STATUS_STALE);
    expect(stale.text).toContain(`health        FAILED (exit 20): the published run ${runId} is 1d 16h old, more than --max-age 1d 12h`);
    expect((await statusAt(t, later(40), { maxAgeMs: null })).code).toBe(0);
  });

  it('--min-coverage: exit 25 when fewer eligible talents or postings than that have an embedding; --metrics-file says the same', async () => {
    const { report } = await statusAt(t, later(1));
    const c = report.coverage!;
    // Eligible by the rules, with or without an embedding: counted by SQL of its own here.
    const count = async (sql: string, params: unknown[]) => Number(((await t.exec(`SELECT COUNT(*) AS n ${sql}`, params)) as { n: number }[])[0].n);
    const tw = talentEntityWhere(c.eligibility);
    const jw = jobEntityWhere(c.eligibility);
    expect(c.eligible).toEqual({
      talents: await count(`FROM users u JOIN talent_profiles tp ON tp.user_id = u.id WHERE ${tw.sql}`, tw.params),
      jobs: await count(`FROM job_postings jp WHERE ${jw.sql}`, jw.params),
    });
    const talentShare = (c.eligible.talents - 1) / c.eligible.talents;
    const low = await statusAt(t, later(1), { minCoverage: 1 });
    expect(low.code).toBe(ExitCode.STATUS_COVERAGE);
    expect(low.report.health.problems.map((p) => p.kind)).toEqual(['coverage', 'coverage']);
    expect(low.text).toMatch(/FAILED \(exit 25\): only \d+\.\d% of eligible talents have an embedding \(1 of \d+ without\), less than --min-coverage 100\.0%/);
    expect((await statusAt(t, later(1), { minCoverage: Math.min(talentShare, 0.5) })).code).toBe(0);

    const file = join(mkdtempSync(join(tmpdir(), 'fitmatch-metrics-')), 'fitmatch.prom');
    const seen = await statusAt(t, later(1), { minCoverage: 1 });
    writeStatusMetrics(file, seen.report, seen.code, later(1));
    const prom = readFileSync(file, 'utf8');
    expect(prom).toContain('fitmatch_status_exit_code 25\n');
    expect(prom).toContain(`fitmatch_coverage_ratio{side="talents"} ${talentShare}\n`);
    expect(prom).toContain(`fitmatch_published_age_seconds 3600\n`);
    expect(prom).toMatch(/^# TYPE fitmatch_published_rows gauge$/m);
    expect(readdirSync(dirname(file))).toEqual(['fitmatch.prom']); // the temp file was renamed
  });

  it('a failed or interrupted last run exits 21 with its error, until a later run of that kind succeeds', async () => {
    const started = later(2).toISOString().slice(0, 23).replace('T', ' ');
    await t.exec("INSERT INTO match_runs (kind, status, started_at, finished_at, error) VALUES ('backfill', 'failed', ?, ?, 'database error (ER_LOCK_WAIT_TIMEOUT): Lock wait timeout exceeded')", [started, started]);
    const failed = await statusAt(t, later(3));
    expect(failed.code).toBe(ExitCode.STATUS_FAILED);
    expect(failed.report.lastRuns.backfill[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('Lock wait timeout') });
    expect(failed.text).toMatch(/health {8}FAILED \(exit 21\): the last backfill run \(\d+\) failed: database error \(ER_LOCK_WAIT_TIMEOUT\)/);
    await t.exec("INSERT INTO match_runs (kind, status, started_at, finished_at, error) VALUES ('full', 'interrupted', ?, ?, 'match interrupted by signal')", [started, started]);
    const both = await statusAt(t, later(40));
    expect(both.report.health.problems.map((p) => p.exitCode)).toEqual([21, 21, 20]);
    expect(both.code).toBe(ExitCode.STATUS_FAILED);
    await t.exec("INSERT INTO match_runs (kind, status, started_at, finished_at) VALUES ('backfill', 'succeeded', ?, ?), ('full', 'succeeded', ?, ?)", [started, started, started, started]);
    expect((await statusAt(t, later(3))).code).toBe(0);
  });

  describe('a run in progress', () => {
    const locks: HeldLock[] = [];
    const hold = async (purpose: string) => locks.push(await acquireLock(t.db, purpose));
    const releaseAll = async () => {
      while (locks.length) await locks.pop()!.release();
    };
    const sql = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');
    async function insertRun(o: { runKey?: string; shards: number; blocks: [shard: number, doneAtMinute: number | null][] }): Promise<number> {
      const started = later(4);
      const res = (await t.exec("INSERT INTO match_runs (kind, status, host, pid, started_at, run_key, shards) VALUES ('full', 'running', 'worker-7', 4242, ?, ?, ?)", [
        sql(started),
        o.runKey ?? null,
        o.shards,
      ])) as { insertId: number };
      const id = Number(res.insertId);
      for (const [i, [shard, minute]] of o.blocks.entries()) {
        await t.exec('INSERT INTO match_run_blocks (run_id, block_no, shard, first_pos, end_pos, state, compute_ms, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          id, i, shard, i * 10, i * 10 + 10, minute === null ? 'pending' : 'done', minute === null ? null : 1000, minute === null ? null : sql(new Date(started.getTime() + minute * 60_000)),
        ]);
      }
      return id;
    }
    afterAll(releaseAll);

    it('one process: who holds it, blocks done of total, ETA from the pace; exit 0 while it lives, 21 once it died', async () => {
      const id = await insertRun({ shards: 1, blocks: [[0, 1], [0, 2], [0, 3], [0, null], [0, null]] });
      await hold('match');
      await hold(shardLockPurpose(id, 0));
      const live = await statusAt(t, later(4.06));
      expect(live.code).toBe(0);
      expect(live.report.inProgress).toEqual([
        expect.objectContaining({
          id,
          kind: 'full',
          status: 'running',
          host: 'worker-7',
          pid: 4242,
          alive: true,
          progress: { done: 3, total: 5, shards: [{ shard: 0, done: 3, total: 5, alive: true }], missingShards: [], msPerBlock: 60_000, etaMs: 120_000 },
        }),
      ]);
      expect(live.text).toContain(`  full #${id} running on worker-7 (pid 4242), alive, for 3m 36s: blocks 3/5 done, ETA 2m 00s at 1m 00s per block`);

      await releaseAll();
      const dead = await statusAt(t, later(5));
      expect(dead.code).toBe(ExitCode.STATUS_FAILED);
      expect(dead.report.inProgress[0]).toMatchObject({ id, alive: false, progress: { etaMs: null, missingShards: [0] } });
      expect(dead.text).toContain('NO PROCESS HOLDS ITS LOCK');
      expect(dead.text).toContain(`    next: fitmatch match --resume, or fitmatch cleanup --run-id ${id}`);
      expect(dead.text).toContain(`the last match run (${id}) is still marked running but no process holds its lock (the process died)`);

      // A later run succeeded: the dead one is superseded, not in progress, and not a problem; status says how to clean it up.
      const incCounts = { talentsAdded: 1, talentsChanged: 2, talentsRemoved: 0, jobsAdded: 0, jobsChanged: 0, jobsRemoved: 3, rowsDeleted: 40, rowsInserted: 35 };
      const res = (await t.exec("INSERT INTO match_runs (kind, status, counts, started_at, finished_at) VALUES ('incremental', 'succeeded', ?, ?, ?)", [JSON.stringify(incCounts), sql(later(4.5)), sql(later(4.6))])) as { insertId: number };
      const after = await statusAt(t, later(5));
      expect(after.code).toBe(0);
      expect(after.report.inProgress[0]).toMatchObject({ id, alive: false, supersededBy: Number(res.insertId) });
      expect(after.text).toContain(`  full #${id} superseded: no process holds its lock and run ${res.insertId} succeeded since; clean up: fitmatch cleanup --run-id ${id}`);
      expect(after.text).toMatch(new RegExp(`#${res.insertId} incremental +succeeded`));
      // An increment reads as what it changed, not as an empty publish.
      expect(after.text).toMatch(new RegExp(`#${res.insertId} incremental +succeeded .*; changed talents \\+1 ~2 -0, postings \\+0 ~0 -3; rows 40 deleted, 35 inserted`));
      await t.exec("UPDATE match_runs SET status = 'failed', finished_at = started_at WHERE id = ?", [id]);
    });

    it('shared: blocks per shard, and the shards that have pending blocks and no live lock are missing', async () => {
      const id = await insertRun({ runKey: 'nightly-2026-06-15', shards: 3, blocks: [[0, 1], [1, 2], [2, null], [0, 3], [1, null], [2, null]] });
      await hold(shardLockPurpose(id, 1));
      const s = await statusAt(t, later(4.1));
      expect(s.report.inProgress[0]).toMatchObject({
        id,
        runKey: 'nightly-2026-06-15',
        alive: true,
        progress: {
          done: 3,
          total: 6,
          shards: [
            { shard: 0, done: 2, total: 2, alive: false },
            { shard: 1, done: 1, total: 2, alive: true },
            { shard: 2, done: 0, total: 2, alive: false },
          ],
          missingShards: [2],
          etaMs: 180_000,
        },
      });
      expect(s.text).toContain('shard 0: 2/2; shard 1: 1/2 alive; shard 2: 0/2 MISSING');
      expect(s.text).toContain('missing shard(s) 2: pending blocks and no live process');
      await releaseAll();
    });
  });

  it("coverage's entity rules select what the match's eligibility queries select, given an embedding", async () => {
    const variants: Eligibility[] = [
      { jobStatuses: ['PUBLISHED'], includeExpired: false, includeDeleted: false, today: '2026-06-15', timezone: 'explicit' },
      { jobStatuses: ['PUBLISHED', 'CLOSED'], includeExpired: true, includeDeleted: true, today: '2026-06-15', timezone: 'explicit' },
    ];
    const ids = async (sql: string, params: unknown[]) => ((await t.exec(sql, params)) as { id: number }[]).map((r) => Number(r.id)).sort((a, b) => a - b);
    for (const e of variants) {
      const tw = talentEntityWhere(e);
      const jw = jobEntityWhere(e);
      expect(await ids(`SELECT u.id FROM users u JOIN talent_profiles tp ON tp.user_id = u.id JOIN talent_embeddings te ON te.talent_user_id = u.id WHERE ${tw.sql} AND te.facet_mask <> 0`, tw.params)).toEqual(
        await ids(talentIdsQuery(e).sql, talentIdsQuery(e).params),
      );
      expect(await ids(`SELECT jp.id FROM job_postings jp JOIN job_embeddings je ON je.job_posting_id = jp.id WHERE ${jw.sql} AND je.facet_mask <> 0`, jw.params)).toEqual(
        await ids(jobIdsQuery(e).sql, jobIdsQuery(e).params),
      );
    }
  });
});
