import { describe, expect, it } from 'vitest';
import { newSummary, countReason } from '../../src/backfill/summary.js';
import { allowedNewSkips, newSkips, parseSkipLimit, runSkips } from '../../src/status/runSkips.js';
import { formatRunSummary, type RunSummary } from '../../src/status/runSummary.js';

describe('run skips', () => {
  it('counts bad rows, facets and blobs by reason; soft-deleted rows are expected, not bad', () => {
    const b = newSummary('matching_vectors', { dryRun: false, full: false });
    countReason(b.rowSkips, 'no_talent_profile', 7);
    countReason(b.rowSkips, 'no_talent_profile', 8);
    countReason(b.rowSkips, 'talent_deleted', 10);
    countReason(b.rowSkips, 'posting_deleted', 25);
    countReason(b.facetSkips, 'wrong_dim', 'talent 4/vision');
    const s = runSkips(b, { skippedWrongDim: [0, 0, 0, 0, 2, 0], skippedInvalid: [0, 1, 0, 0, 0, 0], skippedCorruptRows: 1 });
    expect(s.byReason).toEqual({ 'row:no_talent_profile': 2 });
    expect(s.dropped).toEqual({
      'facet:wrong_dim': 1,
      'match:wrong_dim:vision': 2,
      'match:invalid_vector:skills': 1,
      'match:unreadable_row': 1,
    });
    expect(s.total).toBe(2);
    expect(s.expected).toEqual({ 'row:talent_deleted': 1, 'row:posting_deleted': 1 });
  });

  it('is empty for a clean run and before any phase ran', () => {
    expect(runSkips(newSummary('text', { dryRun: false, full: false }), { skippedWrongDim: [0, 0, 0, 0, 0, 0], skippedInvalid: [0, 0, 0, 0, 0, 0], skippedCorruptRows: 0 })).toEqual({ total: 0, byReason: {}, expected: {}, dropped: {} });
    expect(runSkips(null, null).total).toBe(0);
  });

  it('prints one summary with each phase, its time and counts, and why --strict fails', () => {
    const zero = { inserted: 0, updated: 0, unchanged: 0, removed: 0, touched: 0 };
    const s: RunSummary = {
      phases: {
        migrate: { ms: 12, applied: [{ tag: '0002_run_model', statements: 4 }] },
        backfill: { ms: 1500, source: 'matching_vectors', talents: { ...zero, inserted: 5 }, jobs: { ...zero, unchanged: 2 } },
        match: { ms: 90_400, runId: 7, published: true, incremental: null, eligibleTalents: 5, eligibleJobs: 2, talentsWithMatch: 4, jobsWithMatch: 2, rowsTalentToJob: 8, rowsJobToTalent: 4 },
      },
      skipped: { total: 2, byReason: { 'row:no_talent_profile': 2 }, expected: { 'row:talent_deleted': 1 }, dropped: { 'facet:empty': 1 } },
      newSkipped: { total: 1, byReason: { 'row:no_talent_profile': 1 }, comparedWithRunId: 4, allowed: 0, sourceRows: 12 },
      strict: true,
      totalMs: 92_100,
    };
    const text = formatRunSummary(s);
    expect(text).toContain('run finished in 1m 32s: migrate 0.0s, backfill 1.5s, match 1m 30s');
    expect(text).toContain('migrate: applied 0002_run_model');
    expect(text).toContain('talents 5 inserted, 0 updated, 0 unchanged, 0 removed; postings 0 inserted, 0 updated, 2 unchanged');
    expect(text).toContain('match: run 7 published; 5 talents × 2 postings eligible; rows 8 talent_to_job + 4 job_to_talent; no match: 1 talents, 0 postings');
    expect(text).toContain('skipped as bad data: 2 source rows (row:no_talent_profile 2); not counted (soft-deleted in the app): row:talent_deleted 1');
    expect(text).toContain('new bad rows since backfill run 4: 1 (row:no_talent_profile 1), more than --max-skipped 0 -> --strict: exit 9');
    expect(text).toContain('dropped from the entities this run read: facet:empty 1');
  });

  it('new bad rows: what grew per reason since the previous run; --max-skipped as rows or a share', () => {
    const skips = (byReason: Record<string, number>) => ({ total: 0, byReason, expected: {}, dropped: {} });
    expect(newSkips(skips({ 'row:a': 5, 'row:b': 2 }), skips({ 'row:a': 5, 'row:b': 3 }))).toEqual({ total: 0, byReason: {} });
    expect(newSkips(skips({ 'row:a': 7, 'row:c': 1 }), skips({ 'row:a': 5 }))).toEqual({ total: 3, byReason: { 'row:a': 2, 'row:c': 1 } });
    expect(newSkips(skips({ 'row:a': 2 }), null).total).toBe(2);
    expect(allowedNewSkips(parseSkipLimit('10'), 5000)).toBe(10);
    expect(allowedNewSkips(parseSkipLimit('0.5%'), 5000)).toBe(25);
    expect(() => parseSkipLimit('ten')).toThrow(/--max-skipped/);
    expect(() => parseSkipLimit('120%')).toThrow(/--max-skipped/);
  });
});
