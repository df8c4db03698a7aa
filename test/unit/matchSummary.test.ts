import { describe, expect, it } from 'vitest';
import { formatEngineLine, formatMatchSummary, gflops, type MatchSummary } from '../../src/runs/matchSummary.js';
import type { MergedFullRunCounts } from '../../src/store/runCounts.js';

describe('match summary', () => {
  it('counts 2·T·J·D flops per second of compute', () => {
    // 1000 x 500 pairs x 9216 dims x 2 = 9.216e9 flop in 1 s
    expect(gflops(1000, 500, [1536, 1536, 1536, 1536, 1536, 1536], 1000)).toBeCloseTo(9.216, 6);
    expect(gflops(10, 10, [4], 0)).toBe(0);
  });

  it('prints counts, timings, rates and skips for humans', () => {
    const s: MatchSummary = {
      runId: 7,
      runKey: 'nightly-1',
      shard: { index: 0, count: 2 },
      published: true,
      dims: [4, 4, 0, 0, 0, 0],
      plan: { blockRows: 10, talentBlockRows: 10, jobChunkRows: 10, blocksDone: 1, blocksAlreadyDone: 0 },
      params: {},
      counts: {
        eligibleTalents: 3,
        eligibleJobs: 2,
        talentsWithMatch: 3,
        jobsWithMatch: 1,
        rowsTalentToJob: 6,
        rowsJobToTalent: 6,
        talentsWithoutUsableFacet: 1,
        jobsWithoutUsableFacet: 0,
        skippedWrongDim: [1, 0, 0, 0, 0, 0],
        skippedInvalid: [0, 2, 0, 0, 0, 0],
        skippedCorruptRows: 0,
        blocks: 2,
        shards: 2,
        changedDuringRun: 4,
      } as MergedFullRunCounts,
      timings: { readMs: 1000, computeMs: 500, persistMs: 2000, indexMs: 100, publishMs: 50, totalMs: 4000 },
      peakRssMb: 123,
    };
    const text = formatMatchSummary(s);
    expect(text).toContain('match run 7 ("nightly-1") published');
    expect(text).toContain('3 talents × 2 job postings');
    expect(text).toContain('over 2 shards');
    expect(text).toContain('no match: 0 talents, 1 jobs');
    expect(text).toContain('skipped blobs: 3 (wrong dimension 1, zero/NaN 2, unreadable rows 0)');
    expect(text).toContain('4 embeddings changed during the run');
    expect(text).toContain('write 2.0s');
    expect(text).toContain('peak RSS 123 MB');
  });
});

describe('the kernel line of the match summary', () => {
  it('says which kernel ran and why, the exact re-scores, fallbacks and their cost', () => {
    const line = formatEngineLine({ kernel: 'fp32', kernelWhy: 'auto: u8×s8 MatMulInteger 300 GOP/s vs fp32 Gemm 100 GFLOP/s (3.00×) on this machine; switched to fp32 after 3 int8 runs in a row left too many candidates', subjects: 100, rescored: 2500, reused: 900, fallbacks: 2, redoneFp32: 3, graphMs: 4000, rescoreMs: 1500 });
    expect(line).toBe(
      '  kernel: fp32 (auto: u8×s8 MatMulInteger 300 GOP/s vs fp32 Gemm 100 GFLOP/s (3.00×) on this machine; switched to fp32 after 3 int8 runs in a row left too many candidates); ' +
        '2500 pairs re-scored exactly (25.0 per subject, 900 reused for the other direction), 2 subjects scored exactly against a whole slice, 3 int8 runs redone with fp32 (too many candidates); candidate graph 4.0s, bounds + re-score 1.5s',
    );
  });
});
