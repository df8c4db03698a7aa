import { describe, expect, it } from 'vitest';
import type { RollbackResult } from '../../src/commands/rollback.js';
import { matchReport, rollbackReport } from '../../src/commands/commandReports.js';
import { formatRunSummary, type RunSummary } from '../../src/status/runSummary.js';
import type { MatchSummary } from '../../src/runs/matchSummary.js';

const step = (how: 'increment' | 'swap', unpublishedRunId: number, restoredRunId: number, restoredPublishedAt: string) => ({ how, unpublishedRunId, restoredRunId, restoredPublishedAt });

describe('command reports', () => {
  it('rollback --dry-run says what it would restore, step by step, and that nothing changed', () => {
    const r: RollbackResult = {
      restoredRunId: 2,
      unpublishedRunId: 10,
      how: 'increment',
      steps: [step('swap', 10, 7, '2026-12-03T08:42:41.496Z'), step('increment', 7, 2, '2026-12-03T08:39:31.473Z')],
      dryRun: true,
    };
    const text = rollbackReport(r).human;
    expect(text).toBe(
      [
        'rollback --dry-run: would take 2 steps:',
        '  swap run 10 out (kept as the previous set), restoring run 7 (published 2026-12-03T08:42:41.496Z)',
        '  undo incremental run 7, restoring run 2 (published 2026-12-03T08:39:31.473Z)',
        'nothing was changed',
      ].join('\n'),
    );
    expect(text).not.toContain('rolled back');
  });

  it('rollback --to names every step it took, in order', () => {
    const r: RollbackResult = { restoredRunId: 2, unpublishedRunId: 10, how: 'increment', steps: [step('swap', 10, 7, 'a'), step('increment', 7, 2, 'b')], dryRun: false };
    expect(rollbackReport(r).human).toBe('rolled back 2 steps: swapped run 10 out (kept as the previous set), then undid incremental run 7; match_results now holds run 2');
    expect(rollbackReport({ ...r, steps: [step('increment', 5, 2, 'b')], unpublishedRunId: 5 }).human).toBe('rolled back: undid incremental run 5; match_results now holds run 2');
  });

  it('an incremental run that found nothing to do says so, in match and in run', () => {
    const m: MatchSummary = {
      runId: 7,
      runKey: null,
      shard: { index: 0, count: 1 },
      published: false,
      dims: [],
      plan: { blockRows: 0, talentBlockRows: 0, jobChunkRows: 0, blocksDone: 0, blocksAlreadyDone: 0 },
      params: { incremental: true },
      counts: { unchanged: true },
      timings: { totalMs: 80 },
      peakRssMb: 1,
    };
    expect(matchReport(m).human).toBe('incremental run: nothing changed since the published run 7; no run recorded, nothing published');
    const s: RunSummary = {
      phases: {
        migrate: { ms: 1, applied: [] },
        backfill: null,
        match: { ms: 80, runId: 7, published: false, incremental: { unchanged: true, talentsChanged: 0, jobsChanged: 0, rowsWritten: 0 }, eligibleTalents: 0, eligibleJobs: 0, talentsWithMatch: 0, jobsWithMatch: 0, rowsTalentToJob: 0, rowsJobToTalent: 0 },
      },
      skipped: { total: 0, byReason: {}, expected: {}, dropped: {} },
      newSkipped: null,
      strict: false,
      totalMs: 90,
    };
    const text = formatRunSummary(s);
    expect(text).toContain('  match: nothing changed since the published run 7; no run recorded, nothing published');
    expect(text).not.toMatch(/NaN|undefined/);
  });
});
