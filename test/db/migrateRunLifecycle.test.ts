import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { parseJson } from '../../src/store/parseJson.js';
import { runCheck, tempMigrationsDir } from '../helpers/tempMigrations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/** 0004 converts runs written before it: kinds from params.incrementalOf, base_run_id, snapshot_at, exact keys. */
describe('migration 0004_run_lifecycle', () => {
  let t: TestDatabase;
  const tmp = tempMigrationsDir();
  beforeAll(async () => {
    t = await createTestDatabase('run_lifecycle_mig', { migrate: false });
    const j = tmp.journal();
    tmp.writeJournal({ ...j, entries: j.entries.filter((e) => e.tag < '0004') });
    await applyMigrations(t.db, { dir: tmp.dir });
  });
  afterAll(async () => {
    tmp.remove();
    await t?.drop();
  });

  it('turns match runs into full and incremental runs, keeps backfill runs, and passes migrate --check', async () => {
    const at = '2026-11-30 03:00:00.000';
    await t.exec(
      `INSERT INTO match_runs (id, kind, status, params, started_at, run_key, shards) VALUES
        (1, 'match', 'succeeded', '{"topK":5,"reserve":16}', ?, NULL, 1),
        (2, 'backfill', 'succeeded', '{"source":"text"}', ?, NULL, NULL),
        (3, 'match', 'succeeded', '{"topK":5,"incrementalOf":1,"baseRunId":1}', ?, NULL, NULL),
        (4, 'match', 'running', '{"topK":5}', ?, 'Nightly-1', 2)`,
      [at, at, at, at],
    );
    await applyMigrations(t.db);
    const rows = (await t.exec('SELECT id, kind, status, base_run_id, snapshot_at, run_key, params FROM match_runs ORDER BY id')) as Record<string, unknown>[];
    expect(rows.map((r) => [Number(r.id), r.kind, r.status, r.base_run_id === null ? null : Number(r.base_run_id), r.snapshot_at !== null, r.run_key === null ? null : String(r.run_key)])).toEqual([
      [1, 'full', 'succeeded', null, true, null],
      [2, 'backfill', 'succeeded', null, false, null],
      [3, 'incremental', 'succeeded', 1, true, null],
      [4, 'full', 'running', null, true, 'Nightly-1'],
    ]);
    expect(parseJson(rows[2].params)).toEqual({ topK: 5, fullRunId: 1 });
    // Keys now compare byte for byte.
    expect(await t.exec("SELECT id FROM match_runs WHERE run_key = 'nightly-1'")).toEqual([]);
    const check = await runCheck(t.db);
    expect(check.code, JSON.stringify(check.report.findings.filter((f) => f.exitCode !== null))).toBe(0);
  });
});
