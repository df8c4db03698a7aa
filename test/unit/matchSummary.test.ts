import { describe, expect, it } from 'vitest';
import { formatMatchSummary, gflops, type MatchSummary } from '../../src/match/matchSummary.js';

describe('match summary', () => {
  it('counts 2·T·J·D flops per second of compute', () => {
    // 1000 x 500 pairs x 9216 dims x 2 = 9.216e9 flop in 1 s
    expect(gflops(1000, 500, [1536, 1536, 1536, 1536, 1536, 1536], 1000)).toBeCloseTo(9.216, 6);
    expect(gflops(10, 10, [4], 0)).toBe(0);
  });

  it('prints counts, timings, rates and skips for humans', () => {
    const s: MatchSummary = {
      runId: 7,
      published: true,
      dims: [4, 4, 0, 0, 0, 0],
      plan: { talentBlockRows: 10, jobChunkRows: 10, talentBlocks: 1, jobChunks: 1 },
      params: {},
      counts: {
        eligibleTalents: 3,
        eligibleJobs: 2,
        rowsTalentToJob: 6,
        rowsJobToTalent: 6,
        talentsWithoutMatch: 0,
        jobsWithoutMatch: 0,
        talentsWithoutUsableFacet: 1,
        jobsWithoutUsableFacet: 0,
        skippedWrongDim: [1, 0, 0, 0, 0, 0],
        skippedInvalid: [0, 2, 0, 0, 0, 0],
      },
      timings: { readMs: 1000, computeMs: 500, writeMs: 2000, indexMs: 100, publishMs: 50, totalMs: 4000 },
      peakRssMb: 123,
    };
    const text = formatMatchSummary(s);
    expect(text).toContain('match run 7 published');
    expect(text).toContain('3 talents × 2 job postings');
    expect(text).toContain('skipped blobs: 3 (wrong dimension 1, zero/NaN 2, unreadable rows 0)');
    expect(text).toContain('write 2.0s (6 rows/s)');
    expect(text).toContain('peak RSS 123 MB');
  });
});
