import { describe, expect, it } from 'vitest';
import { newSummary } from '../../../src/backfill/summary.js';
import { formatGauges } from '../../../src/metrics/textfile.js';
import { watchGauges, type WatchTotals } from '../../../src/metrics/watchMetrics.js';
import type { MatchSummary } from '../../../src/runs/matchSummary.js';
import { formatPass, idlePass, publishedPass } from '../../../src/watch/passOutcome.js';

const summary = (params: Record<string, unknown>, counts: MatchSummary['counts']): MatchSummary => ({
  runId: 9, runKey: null, shard: { index: 0, count: 1 }, published: true, dims: [], params, counts, timings: {}, peakRssMb: 0,
  plan: { blockRows: 0, talentBlockRows: 0, jobChunkRows: 0, blocksDone: 0, blocksAlreadyDone: 0 },
});
const incrementCounts = { incremental: true, talentsAdded: 1, talentsChanged: 2, talentsRemoved: 0, jobsAdded: 0, jobsChanged: 0, jobsRemoved: 3, rowsWritten: 120 } as unknown as MatchSummary['counts'];

describe('a watch pass report', () => {
  const b = newSummary('matching_vectors', { dryRun: false, full: false });
  b.entity.talents.updated = 2;
  b.entity.talents.inserted = 1;
  b.entity.jobs.removed = 3;

  it('an applied increment: what changed, the rows written and the lag', () => {
    const p = publishedPass(4, b, summary({ incremental: true }, incrementCounts), 3400, 1800);
    expect(p).toMatchObject({ pass: 4, outcome: 'published', runId: 9, backfilled: { talents: 3, jobs: 3 }, rowsWritten: 120, lagMs: 3400 });
    expect(p.changed).toEqual({ talentsAdded: 1, talentsChanged: 2, talentsRemoved: 0, jobsAdded: 0, jobsChanged: 0, jobsRemoved: 3 });
    expect(formatPass(p)).toBe('watch pass 4: run 9 published: talents +1 ~2 -0, postings +0 ~0 -3, 120 rows written (1.8s), lag 3.4s');
  });

  it('a fallback to a full run, and an increment that found nothing to do (no lag: nothing was published)', () => {
    expect(publishedPass(1, b, summary({ topK: 50 }, {} as MatchSummary['counts']), 900, 5000)).toMatchObject({ outcome: 'full', changed: null, lagMs: 900 });
    const u = publishedPass(2, b, summary({ incremental: true }, { unchanged: true }), 900, 40);
    expect(u).toMatchObject({ outcome: 'unchanged', rowsWritten: 0, lagMs: null });
    expect(formatPass(u)).toMatch(/nothing matched on changed; run 9 stays published/);
  });

  it('passes that did nothing say why', () => {
    expect(formatPass(idlePass(3, 'quiet', 9, 4))).toBe("watch pass 3: no change in the app's tables (4 ms)");
    expect(formatPass(idlePass(3, 'locked', 9, 4, 'the nightly run holds the lock'))).toMatch(/yielded \(the nightly run holds the lock\)/);
    expect(formatPass(idlePass(5, 'error', null, 0, 'a foreign key constraint fails'))).toBe('watch pass 5: error (a foreign key constraint fails); nothing of it was published, the next pass tries again');
  });
});

describe('watch metrics', () => {
  it('the last pass, the last publish with its lag, and passes by outcome', () => {
    const pub = publishedPass(2, newSummary('matching_vectors', { dryRun: false, full: false }), summary({ incremental: true }, incrementCounts), 2500, 1000);
    const t: WatchTotals = {
      startedAt: new Date(1_000_000),
      lastPass: { at: new Date(1_010_000), report: idlePass(3, 'quiet', 9, 5) },
      lastPublish: { at: new Date(1_005_000), report: pub },
      passes: { published: 1, quiet: 2 },
    };
    const text = formatGauges(watchGauges(t));
    expect(text).toContain('fitmatch_watch_last_pass_timestamp_seconds 1010\n');
    expect(text).toContain('fitmatch_watch_last_pass_duration_seconds 0.005\n');
    expect(text).toContain('fitmatch_watch_last_publish_timestamp_seconds 1005\n');
    expect(text).toContain('fitmatch_watch_lag_seconds 2.5\n');
    expect(text).toContain('fitmatch_watch_passes{outcome="published"} 1\nfitmatch_watch_passes{outcome="quiet"} 2\n');
  });

  it('before any publish: no lag sample rather than a made-up one', () => {
    const text = formatGauges(watchGauges({ startedAt: new Date(0), lastPass: null, lastPublish: null, passes: {} }));
    expect(text).not.toContain('fitmatch_watch_lag_seconds');
    expect(text).toContain('fitmatch_watch_started_timestamp_seconds 0\n');
  });
});
