import { describe, expect, it } from 'vitest';
import { MatchEngine } from '../../../src/engine/MatchEngine.js';
import { engineResults } from '../../helpers/engineResults.js';
import { referenceTopK } from '../../helpers/referenceTopK.js';
import { concatBlocks, expectSameResults, randomBlock, rng, split } from './randomBlocks.js';

interface Case {
  name: string;
  dims: number[];
  weights: number[];
  talents: number;
  jobs: number;
  talentBlocks: number[];
  jobChunks: number[];
  topK: number;
  talentBlockRows?: number;
  jobChunkRows?: number;
  missing: number;
  duplicates: number;
}

const cases: Case[] = [
  {
    name: 'six facets, mixed weights, missing facets, duplicates, several blocks and chunks',
    dims: [8, 5, 6, 4, 7, 3],
    weights: [2, 1, 0, 0.5, 1.5, 1],
    talents: 90, jobs: 70, talentBlocks: [25, 40, 25], jobChunks: [30, 17, 23],
    topK: 7, talentBlockRows: 16, jobChunkRows: 20, missing: 0.3, duplicates: 0.3,
  },
  {
    name: 'k larger than candidates',
    dims: [4, 4, 4, 4, 4, 4],
    weights: [1, 1, 1, 1, 1, 1],
    talents: 12, jobs: 9, talentBlocks: [5, 7], jobChunks: [4, 5],
    topK: 20, missing: 0.4, duplicates: 0.2,
  },
  {
    name: 'one facet with dims 0 and a zero-weight facet',
    dims: [6, 0, 6, 6, 0, 6],
    weights: [1, 1, 0, 3, 1, 1],
    talents: 40, jobs: 33, talentBlocks: [40], jobChunks: [11, 11, 11],
    topK: 5, talentBlockRows: 9, jobChunkRows: 7, missing: 0.5, duplicates: 0.4,
  },
  {
    name: 'all facets present, many exact duplicates (ties by id)',
    dims: [3, 3, 3, 3, 3, 3],
    weights: [1, 1, 1, 1, 1, 1],
    talents: 30, jobs: 60, talentBlocks: [10, 10, 10], jobChunks: [60],
    topK: 10, jobChunkRows: 25, missing: 0, duplicates: 0.7,
  },
  {
    name: 'all present, mixed and zero weights (constant-denominator graph)',
    dims: [5, 5, 5, 5, 5, 5],
    weights: [3, 0, 1, 0.25, 2, 1],
    talents: 35, jobs: 45, talentBlocks: [20, 15], jobChunks: [45],
    topK: 6, jobChunkRows: 16, missing: 0, duplicates: 0.5,
  },
];

describe.each(['fp32', 'int8', 'auto'] as const)('MatchEngine (%s candidates) vs brute-force reference', (kernel) => {
  for (const c of cases) {
    it(c.name, async () => {
      const rand = rng(c.talents * 7919 + c.jobs);
      const allTalents = randomBlock(rand, { rows: c.talents, dims: c.dims, firstId: 1000, idStep: 3, missing: c.missing, duplicates: c.duplicates });
      // Jobs partly copy talent vectors so cosines of exactly 1 and exact ties appear in both directions.
      const allJobs = randomBlock(rand, { rows: c.jobs, dims: c.dims, firstId: 5, idStep: 2, missing: c.missing, duplicates: c.duplicates });
      const talents = split(allTalents, c.talentBlocks, c.dims);
      const jobs = split(allJobs, c.jobChunks, c.dims);
      const reserve = 8;
      const engine = await MatchEngine.create({
        topK: c.topK, reserve, weights: c.weights, dims: c.dims, threads: 1,
        talentBlockRows: c.talentBlockRows ?? 1000, jobChunkRows: c.jobChunkRows ?? 1000, kernel, int8Budget: Infinity,
      });
      const got = await engineResults(engine, talents, concatBlocks(jobs, c.dims), c.topK, reserve);
      await engine.close();
      // auto scored its first slice with both kernels and kept one, saying what each took.
      if (kernel === 'auto') expect(got.stats?.kernelWhy).toMatch(/^auto: one slice timed with each kernel: fp32 \d+ ms .* vs int8 \d+ ms/);

      const ref = referenceTopK(talents, jobs, c.weights, c.dims, c.topK);
      expect(ref.t2j.length).toBeGreaterThan(0);
      expectSameResults(got.t2j, ref.t2j);
      expectSameResults(got.j2t, ref.j2t);
      // The exact re-score is the reference's own function: totals carry the same bits.
      expect(Array.from(got.t2j.totals)).toEqual(Array.from(ref.t2j.totals));
      expect(Array.from(got.j2t.totals)).toEqual(Array.from(ref.j2t.totals));
    });
  }

  it('needs the jobs before a block', async () => {
    const dims = [2, 2, 2, 2, 2, 2];
    const t = randomBlock(rng(1), { rows: 3, dims, firstId: 1 });
    const engine = await MatchEngine.create({ topK: 2, reserve: 8, weights: [1, 1, 1, 1, 1, 1], dims, threads: 1, talentBlockRows: 10, jobChunkRows: 10 });
    await expect(engine.processBlock(t)).rejects.toThrow(/setJobs/);
    await engine.close();
  });
});
