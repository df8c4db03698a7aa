import { describe, expect, it } from 'vitest';
import { planBlocks, rowBytes } from '../../../src/engine/planBlocks.js';

const dims = [1536, 1536, 1536, 1536, 1536, 1536];

describe('planBlocks', () => {
  it('fits production (100k talents x 20k jobs, 6x1536, k=50) into 2 GiB', () => {
    const memoryBytes = 2 * 2 ** 30;
    const plan = planBlocks({ memoryBytes, dims, talentCount: 100_000, jobCount: 20_000, topK: 50, reserve: 16 });
    expect(plan.estimatedPeakBytes).toBeLessThanOrEqual(memoryBytes);
    expect(plan.talentBlockRows).toBeGreaterThan(500);
    expect(plan.jobChunkRows).toBeGreaterThan(500);
    expect(plan.breakdown.jobs).toBeGreaterThanOrEqual(20_000 * rowBytes(dims));
  });

  it('caps blocks at the entity counts for small inputs', () => {
    const plan = planBlocks({ memoryBytes: 2 ** 30, dims: [8, 8, 8, 8, 8, 8], talentCount: 10, jobCount: 7, topK: 5, reserve: 8 });
    expect(plan.talentBlockRows).toBe(10);
    expect(plan.jobChunkRows).toBe(7);
  });

  it('rejects a budget the resident jobs alone exceed', () => {
    expect(() => planBlocks({ memoryBytes: 500 * 2 ** 20, dims, talentCount: 1000, jobCount: 20_000, topK: 50, reserve: 16 })).toThrow(/too small/);
  });
});
