import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../../src/commands/match.js';
import { status } from '../../src/commands/status.js';
import { publish } from '../../src/commands/publish.js';
import { poolOptions } from '../../src/db/connect.js';
import { collectFindings } from '../../src/migrate/check.js';
import { ExitCode, FitmatchError, InterruptedError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedDirtyData } from './matchDirtyData.js';
import { matchCtx, publishedRows } from './matchHelpers.js';
import type { EngineFactory } from '../../src/engine/enginePort.js';
import { bruteForceEngine } from './matchReference.js';
import { withHolds } from '../helpers/holds.js';
import { jsonCtx } from './runHelpers.js';
import type { MergedFullRunCounts } from '../../src/store/runCounts.js';

const tables = async (t: TestDatabase) =>
  ((await t.exec("SELECT table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'match_results%' ORDER BY 1")) as { n: string }[]).map((r) => r.n);

async function foreignKeys(t: TestDatabase, table: string): Promise<string[]> {
  const rows = (await t.exec(
    'SELECT column_name AS c, referenced_table_name AS rt, referenced_column_name AS rc FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND table_name = ? AND referenced_table_name IS NOT NULL ORDER BY 1',
    [table],
  )) as { c: string; rt: string; rc: string }[];
  return rows.map((r) => `${r.c}->${r.rt}.${r.rc}`);
}

async function indexes(t: TestDatabase, table: string): Promise<string[]> {
  const rows = (await t.exec(
    `SELECT index_name AS n, GROUP_CONCAT(CONCAT(column_name, IF(collation = 'D', ' DESC', '')) ORDER BY seq_in_index) AS c FROM information_schema.statistics
      WHERE table_schema = DATABASE() AND table_name = ? GROUP BY index_name ORDER BY index_name`,
    [table],
  )) as { n: string; c: string }[];
  return rows.map((r) => `${r.n}:${r.c}`).sort();
}

const runStatus = async (t: TestDatabase, id: number) => ((await t.exec('SELECT status FROM match_runs WHERE id = ?', [id])) as { status: string }[])[0].status;

describe('publishing match results', () => {
  let t: TestDatabase;
  let other: mysql.Connection;
  beforeAll(async () => {
    t = await createTestDatabase('publish');
    await seedDirtyData(t);
    other = await mysql.createConnection(poolOptions(t.config.db));
  });
  afterAll(async () => {
    await other?.end();
    await t?.drop();
  });

  it('three consecutive runs publish with fresh FK names, keeping one previous set', async () => {
    for (let i = 0; i < 3; i++) {
      const s = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: String(2 + i) }));
      expect(new Set((await publishedRows(t)).map((r) => r.runId))).toEqual(new Set([s.runId]));
      expect(await foreignKeys(t, 'match_results')).toEqual(['job_posting_id->job_postings.id', 'talent_user_id->users.id']);
      expect(await indexes(t, 'match_results')).toEqual(await indexes(t, 'match_results_previous'));
    }
    expect(await indexes(t, 'match_results')).toEqual([
      'PRIMARY:direction,talent_user_id,job_posting_id',
      'ix_match_results_job:job_posting_id,direction,total_score DESC,talent_user_id',
      'ix_match_results_talent:talent_user_id,direction,total_score DESC,job_posting_id',
    ].sort());
    expect(await tables(t)).toEqual(['match_results', 'match_results_previous']);
    // The published table, rebuilt each run, still matches the owned schema for `migrate --check`.
    const drift = (await collectFindings(t.db)).filter((f) => f.kind === 'drift');
    expect(drift).toEqual([]);
  });

  it('readers on another connection only ever see one run', async () => {
    let stop = false;
    const snapshots: number[][] = [];
    const reader = (async () => {
      while (!stop) {
        const [rows] = await other.query('SELECT DISTINCT run_id FROM match_results');
        snapshots.push((rows as { run_id: number }[]).map((r) => Number(r.run_id)));
      }
    })();
    const runIds: number[] = [];
    for (let i = 0; i < 5; i++) runIds.push((await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: String(1 + (i % 3)) }))).runId);
    stop = true;
    await reader;
    expect(snapshots.length).toBeGreaterThan(5);
    expect(snapshots.filter((s) => s.length !== 1)).toEqual([]);
    expect(new Set(snapshots.flat()).size).toBeGreaterThan(1);
  });

  it('an open transaction on match_results makes publishing fail clearly after retries, changing nothing', async () => {
    const before = await publishedRows(t);
    await other.query('START TRANSACTION');
    await other.query('SELECT COUNT(*) FROM match_results');
    const ctx = matchCtx(t, { topK: '7' });
    const err = await match({ engine: bruteForceEngine(), lockWaitSeconds: 1, publishAttempts: 2 }, ctx).catch((e) => e);
    await other.query('COMMIT');
    expect(err).toBeInstanceOf(FitmatchError);
    expect((err as FitmatchError).exitCode).toBe(ExitCode.FAILED);
    expect((err as Error).message).toMatch(/locked by another session's open transaction/);
    expect(await publishedRows(t)).toEqual(before);
    // The computed run stays staged: `fitmatch publish` (or the next run) takes it from there.
    const [run] = (await t.exec("SELECT id, status, error FROM match_runs ORDER BY id DESC LIMIT 1")) as { id: number; status: string; error: string }[];
    expect(await tables(t)).toEqual(['match_results', 'match_results_previous', `match_results_r${run.id}`]);
    expect(run.status).toBe('failed');
    const published = await publish({ runId: run.id }, matchCtx(t));
    expect(published.published).toBe(true);
    expect(new Set((await publishedRows(t)).map((r) => r.runId))).toEqual(new Set([run.id]));
  });

  it('publishes once a blocking transaction ends during the retries', async () => {
    await other.query('START TRANSACTION');
    await other.query('SELECT COUNT(*) FROM match_results');
    // The blocking transaction ends when the publish has met it once (its first retry is logged), not after a guessed delay.
    let committed: Promise<unknown> | null = null;
    const ctx = jsonCtx(t, {
      flags: { topK: '2' },
      onLine: (l) => {
        if (!committed && /is locked by an open transaction \(attempt 1\//.test(String(l.msg))) committed = other.query('COMMIT');
      },
    });
    const s = await match({ engine: bruteForceEngine(), lockWaitSeconds: 1, publishAttempts: 6 }, ctx);
    expect(committed).not.toBeNull();
    await committed;
    expect(new Set((await publishedRows(t)).map((r) => r.runId))).toEqual(new Set([s.runId]));
  });

  it('an abort before publishing leaves match_results unchanged and marks the run interrupted', async () => {
    const before = await publishedRows(t);
    const ac = new AbortController();
    const ctx = matchCtx(t, { topK: '9' }, undefined, ac.signal);
    // Stopped when it is held right before publishing (every block done), not after a guessed delay.
    const err = await withHolds(['before_publish'], ctx.log, () => ac.abort(), () => match({ engine: bruteForceEngine() }, ctx)).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(await publishedRows(t)).toEqual(before);
    const [run] = (await t.exec('SELECT id, status FROM match_runs ORDER BY id DESC LIMIT 1')) as { id: number; status: string }[];
    expect(run.status).toBe('interrupted');
    // Every block was done: --resume has only the publish left to do.
    const resumed = await match({ engine: bruteForceEngine(), resume: true }, matchCtx(t, { topK: '9' }));
    expect(resumed).toMatchObject({ runId: run.id, published: true, plan: { blocksDone: 0 } });
  });

  it('cleans up after a crashed run: its staging, a run left "running", staging nobody owns', async () => {
    await t.exec("INSERT INTO match_runs (kind, status, started_at, params) VALUES ('full', 'running', NOW(), '{}')");
    const [stale] = (await t.exec('SELECT MAX(id) AS id FROM match_runs')) as { id: number }[];
    await t.exec(`CREATE TABLE match_results_r${stale.id} LIKE match_results`);
    await t.exec('CREATE TABLE match_results_r999999 LIKE match_results');
    await t.exec('ALTER TABLE match_results_r999999 ADD CONSTRAINT fk_mr_talent_r999999 FOREIGN KEY (talent_user_id) REFERENCES users (id)');
    const s = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '3' }));
    expect(await runStatus(t, stale.id)).toBe('abandoned');
    expect(await runStatus(t, s.runId)).toBe('succeeded');
    expect(await tables(t)).toEqual(['match_results', 'match_results_previous']);
  });

  it('drops rows of a posting hard-deleted while the run was computing', async () => {
    const inner = bruteForceEngine();
    const deleting: EngineFactory = {
      create: async (s) => {
        const e = await inner.create(s);
        return {
          ...e,
          processBlock: async (block) => {
            await t.exec('DELETE FROM job_postings WHERE id = 207');
            return e.processBlock(block);
          },
        };
      },
    };
    const s = await match({ engine: deleting }, matchCtx(t, { topK: '50' }));
    const rows = await publishedRows(t);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.job === 207)).toEqual([]);
    expect((s.counts as MergedFullRunCounts).rowsDroppedForDeletedEntities).toBeGreaterThan(0);
    expect(await foreignKeys(t, 'match_results')).toEqual(['job_posting_id->job_postings.id', 'talent_user_id->users.id']);
  });

  it('--no-publish computes and stages, leaving match_results as it was', async () => {
    const before = await publishedRows(t);
    const s = await match({ engine: bruteForceEngine(), publish: false }, matchCtx(t, { topK: '1' }));
    expect(s.published).toBe(false);
    expect((s.counts as MergedFullRunCounts).rowsTalentToJob).toBeGreaterThan(0);
    expect(await publishedRows(t)).toEqual(before);
    // Staged complete, both directions, ready for `fitmatch publish --run-id`.
    expect(await tables(t)).toEqual(['match_results', 'match_results_previous', `match_results_r${s.runId}`]);
    const staged = await publishedRows(t, `match_results_r${s.runId}`);
    expect(new Set(staged.map((r) => r.direction))).toEqual(new Set(['talent_to_job', 'job_to_talent']));
    // A state of its own, which status reports as waiting for publish, not as a process that died (exit 21).
    expect(((await t.exec('SELECT status FROM match_runs WHERE id = ?', [s.runId])) as { status: string }[])[0].status).toBe('staged');
    let text = '';
    const report = await status({ maxAgeMs: null, write: (x) => (text += x) }, matchCtx(t));
    expect(report.health.problems).toEqual([]);
    expect(report.inProgress).toEqual([expect.objectContaining({ id: s.runId, status: 'staged', next: expect.stringMatching(new RegExp(`^fitmatch publish --run-id ${s.runId} `)) })]);
    expect(text).toContain(`full #${s.runId} staged: computed with --no-publish`);
    expect(text).toContain(`waiting for \`fitmatch publish --run-id ${s.runId}\``);
    expect(text).not.toContain('NO PROCESS HOLDS ITS LOCK');
    await publish({ runId: s.runId }, matchCtx(t));
    expect(await publishedRows(t)).toEqual(staged);
    expect(((await t.exec('SELECT status FROM match_runs WHERE id = ?', [s.runId])) as { status: string }[])[0].status).toBe('succeeded');
  });
});
