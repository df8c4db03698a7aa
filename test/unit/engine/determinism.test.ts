import { describe, expect, it } from 'vitest';
import { MatchEngine } from '../../../src/engine/MatchEngine.js';
import { sliceSizes } from '../../../src/engine/JobSlices.js';
import type { EmbeddingBlock } from '../../../src/engine/types.js';
import { concatBlocks, randomBlock, rng, split } from './randomBlocks.js';

/**
 * Shards, blocks and incremental passes score the same pair in different
 * company: the float32 bits must not depend on it, or their lists disagree with
 * one process's. Facets longer than 128 (MLAS's K-chunk) and thread counts are
 * what exposes it, so this runs on whatever CPU the suite runs on.
 */
describe('a pair scores the same whatever else the kernel computes with it', () => {
  const dims = [200, 160, 0, 0, 0, 0];
  const weights = [1, 2, 1, 1, 1, 1];
  const talents = randomBlock(rng(1), { rows: 90, dims, firstId: 1, missing: 0.2 });
  const jobs = randomBlock(rng(2), { rows: 300, dims, firstId: 1, missing: 0.1 });
  const probe = split(talents, [1, 89], dims)[0];

  async function listOf(block: EmbeddingBlock, jobBlock: EmbeddingBlock, threads: number, jobChunkRows: number): Promise<{ ids: number[]; means: number[]; cents: number[] }> {
    const e = await MatchEngine.create({ topK: 5, reserve: 10, weights, dims, threads, talentBlockRows: 64, jobChunkRows });
    e.setJobs(jobBlock);
    const out = await e.processBlock(block);
    await e.close();
    const i = Array.from(out.t2j.subjectIds).indexOf(probe.ids[0]);
    const [a, b] = [out.t2j.offsets[i], out.t2j.offsets[i + 1]];
    return { ids: Array.from(out.t2j.candidateIds.subarray(a, b)), means: Array.from(out.t2j.means.subarray(a, b)), cents: Array.from(out.t2j.cents.subarray(a * 6, b * 6)) };
  }

  it('alone, with one companion, in a big block, against few or many jobs per slice, on 1 or 2 threads', async () => {
    const reference = await listOf(talents, jobs, 2, 1000);
    const fewJobs = split(jobs, [37, 263], dims);
    const variants: [string, Promise<Awaited<ReturnType<typeof listOf>>>][] = [
      ['alone', listOf(probe, jobs, 2, 1000)],
      ['with one companion', listOf(split(talents, [2, 88], dims)[0], jobs, 2, 1000)],
      ['jobs in slices of 40', listOf(talents, jobs, 2, 40)],
      ['one thread', listOf(talents, jobs, 1, 1000)],
      ['alone, one thread, slices of 90', listOf(probe, jobs, 1, 90)],
    ];
    expect(reference.ids.length).toBe(15);
    for (const [name, got] of variants) expect(await got, name).toEqual(reference);
    // Against a subset of the jobs (an incremental pass), the pairs it shares carry the same bits.
    const sub = await listOf(probe, concatBlocks([fewJobs[0]], dims), 2, 1000);
    const full = new Map(reference.ids.map((id, k) => [id, reference.means[k]]));
    for (const [k, id] of sub.ids.entries()) if (full.has(id)) expect(sub.means[k], `job ${id}`).toBe(full.get(id));
  });

  it('cuts jobs into even slices, none smaller than it must be', () => {
    expect(sliceSizes(1000, 300, 256)).toEqual([334, 333, 333]);
    expect(sliceSizes(600, 300, 256)).toEqual([300, 300]);
    expect(sliceSizes(500, 300, 256)).toEqual([500]);
    expect(sliceSizes(40, 300, 256)).toEqual([40]);
    expect(sliceSizes(0, 300, 256)).toEqual([]);
  });
});
