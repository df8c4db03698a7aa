/**
 * `npm run bench`: every performance figure fitmatch reports, in one sitting on one
 * machine (compare ratios within a run: the machines are shared and noisy).
 *
 *   npm run bench                          # kernel (+ numpy/Faiss reference), backfill 20k x 5k, match 20k x 5k
 *   npm run bench -- kernel                # one section: kernel | backfill | match
 *   npm run bench -- match --talents 100000 --jobs 20000
 *   npm run bench -- --json bench.json     # also write every figure as JSON
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runBackfillBench } from './backfill.js';
import { runKernelBench } from './kernel.js';
import { runMatchBench } from './match.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    talents: { type: 'string', default: '20000' },
    jobs: { type: 'string', default: '5000' },
    json: { type: 'string' },
    'no-python': { type: 'boolean', default: false },
  },
});
const sections = positionals.length ? positionals : ['kernel', 'backfill', 'match'];
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
    heading(`backfill: ${talents} talents x ${jobs} postings, 6 x 1536 dims, app JSON form`);
    results.backfill = await runBackfillBench({ talents, jobs });
  } else if (section === 'match') {
    heading(`match end to end: ${talents} talents x ${jobs} postings, 6 x 1536 dims, k=50, both directions`);
    const r = await runMatchBench({ talents, jobs });
    const { counts, timings, peakRssMb, plan } = r.summary as Record<string, unknown>;
    console.log(JSON.stringify({ counts, timings, peakRssMb, plan, writeRates: r.writeRates }, null, 2));
    const x = r.extrapolated;
    console.log(
      `extrapolated to 100,000 x 20,000: read ${(x.readMs / 1000).toFixed(0)} s, compute ${(x.computeMs / 1000).toFixed(0)} s, ` +
        `write ${(x.writeMs / 1000).toFixed(0)} s, publish ${(x.publishMs / 1000).toFixed(1)} s; no-overlap upper bound ${(x.totalUpperBoundMs / 1000).toFixed(0)} s`,
    );
    results.match = { ...r, summary: { counts, timings, peakRssMb, plan } };
  } else {
    console.error(`unknown section "${section}" (kernel, backfill, match)`);
    process.exit(2);
  }
  console.log(`(${section} section took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
