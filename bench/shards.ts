/**
 * `npm run bench -- shards`: wall time of N = 1, 2 and 3 local shard processes
 * on one dataset, and merge + publish as a share of the one-process run. On a
 * 2-core machine local shards share the cores, so N cannot be faster than one;
 * what the figures give is the per-block work and the fixed publish overhead
 * from which the speed-up on N machines follows.
 */
import { createTestDatabase } from '../test/helpers/testDb.js';
import { cpuInfo } from './machine.js';
import { runMatchProcess, seedBenchData } from './match.js';

export interface ShardBenchOptions {
  talents: number;
  jobs: number;
  dim?: number;
  log?: (line: string) => void;
}

const sec = (ms: number) => ms / 1000;

export async function runShardBench(o: ShardBenchOptions) {
  const log = o.log ?? ((l: string) => console.log(l));
  const cpu = cpuInfo();
  const t = await createTestDatabase(`bench_shards_${o.talents}x${o.jobs}`);
  try {
    log(`${cpu.model}, ${cpu.cores} cores`);
    await seedBenchData(t, o.talents, o.jobs, o.dim ?? 1536);
    const rows: { n: number; wallSeconds: number; mergeSeconds: number; publishSeconds: number; overheadShare: number; jobsReadSeconds: number }[] = [];
    let single = 0;
    for (const n of [1, 2, 3]) {
      const key = `bench-${n}`;
      const s = performance.now();
      const summaries = await Promise.all(Array.from({ length: n }, (_, i) => runMatchProcess(t.url, ['--shard', `${i}/${n}`, '--run-key', key], () => undefined)));
      const wall = performance.now() - s;
      // The process that published reports merge/index/publish; every shard reports its own work.
      const tm = summaries.map((x) => x.timings as Record<string, number>);
      const pub = tm.find((x) => x.mergeMs !== undefined) ?? {};
      const mergeMs = (pub.mergeMs ?? 0) + (pub.indexMs ?? 0);
      const publishMs = pub.publishMs ?? 0;
      if (n === 1) single = wall;
      rows.push({ n, wallSeconds: sec(wall), mergeSeconds: sec(mergeMs), publishSeconds: sec(publishMs), overheadShare: (mergeMs + publishMs) / single, jobsReadSeconds: sec(Math.max(...tm.map((x) => x.jobsReadMs ?? 0))) });
      log(`N=${n}: wall ${sec(wall).toFixed(1)} s, merge+index ${sec(mergeMs).toFixed(1)} s, publish ${sec(publishMs).toFixed(2)} s, (merge+publish) ÷ one-process wall ${(((mergeMs + publishMs) / single) * 100).toFixed(1)}%`);
    }
    // On N machines each shard reads every job and does 1/N of the blocks; the merge and publish happen once.
    const one = rows[0];
    const fixed = one.jobsReadSeconds + one.mergeSeconds + one.publishSeconds;
    const blocks = one.wallSeconds - fixed;
    const expected = [2, 4, 8, 16].map((m) => ({ machines: m, speedUp: one.wallSeconds / (blocks / m + fixed) }));
    log(`expected speed-up on N machines (N=1: ${blocks.toFixed(1)} s of blocks, ${fixed.toFixed(1)} s job read + merge + publish): ${expected.map((e) => `N=${e.machines}: ${e.speedUp.toFixed(1)}×`).join(', ')}`);
    return { cpu, shape: { talents: o.talents, jobs: o.jobs }, runs: rows, expected };
  } finally {
    await t.drop();
  }
}
