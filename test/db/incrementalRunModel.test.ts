import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/commands/explain.js';
import { match } from '../../src/commands/match.js';
import { status } from '../../src/commands/status.js';
import type { EntityReport } from '../../src/explain/explainReport.js';
import { FitmatchError } from '../../src/errors.js';
import type { StatusReport } from '../../src/status/readStatus.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { matchCtx } from './matchHelpers.js';
import { bruteForceEngine } from './matchReference.js';
import { seedCompany, seedJob, seedTalent } from './matchSeed.js';
import { jsonCtx } from './runHelpers.js';

const AT = '2026-06-15T03:00:00Z';

/** An incremental run is a run like any other: its rules judge the set it published, and a dead one is marked failed. */
describe('incremental runs in the one run model', () => {
  let t: TestDatabase;
  let incrementalRunId: number;
  beforeAll(async () => {
    t = await createTestDatabase('incr_run_model');
    const c = await seedCompany(t, 900);
    await seedTalent(t, { id: 1, vecs: [[1, 0, 0, 0]] });
    await seedTalent(t, { id: 2, vecs: [[0, 1, 0, 0]] });
    await seedJob(t, { id: 11, companyId: c, vecs: [[1, 0, 0, 0]] });
    // Expired (the deadline is before the run's today): listed only by runs with --include-expired.
    await seedJob(t, { id: 12, companyId: c, vecs: [[0, 1, 0, 0]], deadline: '2026-06-01' });
    await match({ engine: bruteForceEngine() }, matchCtx(t, { includeExpired: true, maxChange: '100%' }, AT));
    await seedTalent(t, { id: 3, vecs: [[0.5, 0.5, 0, 0]] });
    const s = await match({ incremental: true, engine: bruteForceEngine() }, matchCtx(t, { includeExpired: true, maxChange: '100%' }, AT));
    expect(s.params).toMatchObject({ incremental: true });
    incrementalRunId = s.runId;
  });
  afterAll(async () => t?.drop());

  it('status judges coverage by the published incremental run\'s rules, not the configured ones', async () => {
    let out = '';
    // Configured: only DRAFT postings, expired ones left out. The published run matched PUBLISHED ones, expired included.
    const ctx = jsonCtx(t, { at: AT, flags: { jobStatuses: 'DRAFT' } });
    await status({ maxAgeMs: null, json: true, write: (x) => (out += x) }, ctx).catch((e: unknown) => {
      if (!(e instanceof FitmatchError)) throw e;
    });
    const report = JSON.parse(out) as StatusReport;
    expect(report.published?.runId).toBe(incrementalRunId);
    expect(report.coverage).toMatchObject({ rulesOfRun: incrementalRunId, eligibility: { jobStatuses: ['PUBLISHED'], includeExpired: true }, eligible: { talents: 3, jobs: 2 } });
  });

  it('explain judges an expired posting by the published incremental run\'s rules', async () => {
    let out = '';
    await explain({ jobId: 12, json: true, write: (x) => (out += x) }, jsonCtx(t, { at: AT }));
    const report = JSON.parse(out) as EntityReport;
    expect(report.run_id).toBe(incrementalRunId);
    expect(report.eligible).toBe(true);
    expect(report.results.length).toBeGreaterThan(0);
  });

  it('an incremental run whose process died (killed in the apply) is marked failed by the next incremental run', async () => {
    // What a kill leaves: a one-process incremental run still running, its lock gone with its connection.
    const { insertId: dead } = (await t.exec(
      "INSERT INTO match_runs (kind, status, params, host, pid, started_at, base_run_id) VALUES ('incremental', 'running', '{}', 'gone', 1, ?, ?)",
      [new Date(AT), incrementalRunId],
    )) as { insertId: number };
    await seedTalent(t, { id: 4, vecs: [[0, 0.5, 0.5, 0]] });
    const ctx = matchCtx(t, { includeExpired: true, maxChange: '100%' }, AT);
    const s = await match({ incremental: true, engine: bruteForceEngine() }, ctx);
    expect(s.params).toMatchObject({ incremental: true });
    expect(await t.exec('SELECT status, error FROM match_runs WHERE id = ?', [dead])).toEqual([{ status: 'failed', error: 'process ended without finishing (found by a later run)' }]);
    expect(ctx.log.lines.join('\n')).toContain(`whose process died as failed: ${dead}`);
  });
});
