import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/formatDuration.js';
import { runProgress, type BlockFact } from '../../src/status/runProgress.js';

const T0 = Date.parse('2026-06-15T03:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const done = (shard: number, s: number): BlockFact => ({ shard, state: 'done', finishedAt: at(s) });
const pending = (shard: number): BlockFact => ({ shard, state: 'pending', finishedAt: null });

describe('run progress', () => {
  it('counts blocks per shard and projects the remaining ones at the recent pace', () => {
    // Blocks finish every 10 s across both shards: 4 remaining take 40 s.
    const p = runProgress([done(0, 10), done(1, 20), done(0, 30), done(1, 40), pending(0), pending(0), pending(1), pending(1)], new Set([0, 1]), at(0));
    expect(p).toMatchObject({ done: 4, total: 8, missingShards: [], msPerBlock: 10_000, etaMs: 40_000 });
    expect(p.shards).toEqual([
      { shard: 0, done: 2, total: 4, alive: true },
      { shard: 1, done: 2, total: 4, alive: true },
    ]);
  });

  it('names shards with pending blocks and no live process as missing', () => {
    const p = runProgress([done(0, 10), done(0, 20), pending(1), pending(1), done(2, 15)], new Set([0]), at(0));
    expect(p.missingShards).toEqual([1]);
    // Shard 0 is finished and alive, shard 2 finished and gone: nothing works on shard 1.
    expect(p.etaMs).toBeNull();
  });

  it('takes the pace from the start with one block done, ignores an old stop, and is unknown before any block', () => {
    expect(runProgress([done(0, 30), pending(0), pending(0)], new Set([0]), at(0))).toMatchObject({ msPerBlock: 30_000, etaMs: 60_000 });
    // A day-long stop before the resume: the pace comes from the last 20 blocks, not the first.
    const resumed = [done(0, 10), ...Array.from({ length: 20 }, (_, i) => done(0, 86_400 + i * 5)), pending(0)];
    expect(runProgress(resumed, new Set([0]), at(0)).msPerBlock).toBe(5_000);
    expect(runProgress([pending(0)], new Set([0]), at(0))).toMatchObject({ done: 0, total: 1, msPerBlock: null, etaMs: null });
    expect(runProgress([done(0, 5)], new Set(), at(0))).toMatchObject({ etaMs: 0, missingShards: [] });
  });

  it('formats durations for people', () => {
    expect([950, 12_000, 725_000, 8 * 3_600_000 + 17 * 60_000, 36 * 3_600_000, -2_000].map(formatDuration)).toEqual(['0.9s', '12s', '12m 05s', '8h 17m', '1d 12h', '-2.0s']);
  });
});
