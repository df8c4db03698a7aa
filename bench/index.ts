/**
 * `npm run bench`: every performance figure fitmatch reports, in one sitting on one
 * machine (compare ratios within a run: the machines are shared and noisy).
 *
 *   npm run bench                          # kernel (+ numpy/Faiss reference), backfill 20k x 5k, match 20k x 5k
 *   npm run bench -- kernel                # one section: kernel | backfill | match | shards | incremental
 *   npm run bench -- match --talents 100000 --jobs 20000
 *   npm run bench -- --json bench.json     # also write every figure as JSON
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runBackfillBench } from './backfill.js';
import { runIncrementalBench } from './incremental.js';
import { runKernelBench } from './kernel.js';
import { runMatchBench } from './match.js';
import { runShardBench } from './shards.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    talents: { type: 'string', default: '20000' },
    jobs: { type: 'string', default: '5000' },
    reserve: { type: 'string', default: '16' },
    dim: { type: 'string', default: '1536' },
    json: { type: 'string' },
    'no-python': { type: 'boolean', default: false },
  },
});
const sections = positionals.length ? positionals : ['kernel', 'backfill', 'match', 'shards', 'incremental'];
const talents = Number(values.talents);
const jobs = Number(values.jobs);
const results: Record<string, unknown> = { startedAt: new Date().toISOString() };
const heading = (s: string) => console.log(`\n== ${s} ==`);

for (const section of sections) {
  const t0 = performance.now();
  if (section === 'kernel') {
    heading('kernel: Q=2000 C=5000 k=50 (median of 5), beside numpy/OpenBLAS and Faiss in the same run');
    results.kernel = await runKernelBench({ python: !values['no-python'] });
  } else if (section === 'backfill') {
    heading(`backfill: ${talents} talents x ${jobs} postings, 6 x ${values.dim} dims, app JSON form: the floor, a full backfill, one changed row, 1% changed, run --incremental`);
    results.backfill = await runBackfillBench({ talents, jobs, dim: Number(values.dim) });
  } else if (section === 'match') {
    heading(`match end to end: ${talents} talents x ${jobs} postings, 6 x 1536 dims, k=50, both directions`);
    results.match = await runMatchBench({ talents, jobs, python: !values['no-python'] });
  } else if (section === 'shards') {
    heading(`shards: N = 1, 2, 3 local shard processes, ${talents} talents x ${jobs} postings`);
    results.shards = await runShardBench({ talents, jobs });
  } else if (section === 'incremental') {
    heading(`incremental: full run, then 1% talents changed, 1% postings changed, 1% postings closed, then match --incremental (${talents} x ${jobs})`);
    results.incremental = await runIncrementalBench({ talents, jobs, reserve: Number(values.reserve), dim: Number(values.dim) });
  } else {
    console.error(`unknown section "${section}" (kernel, backfill, match, shards, incremental)`);
    process.exit(2);
  }
  console.log(`(${section} section took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
