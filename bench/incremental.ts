/**
 * `npm run bench -- incremental`: a full run, then 1% of talents change, 1% of
 * postings change and 1% of postings expire, then `match --incremental`. Reports
 * its wall time as a share of the full run (target ≤ 0.1), lists repaired from
 * the reserve against lists recomputed, and the read / compute / write split.
 */
import { FACETS } from '../src/facets.js';
import { formatDims, packVectors } from '../src/vectors/packedVectors.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/testDb.js';
import { cpuInfo } from './machine.js';
import { runMatchProcess, seedBenchData } from './match.js';

export interface IncrementalBenchOptions {
  talents: number;
  jobs: number;
  dim?: number;
  reserve?: number;
  log?: (line: string) => void;
}

/** Every `step`-th id from `from`, `count` of them: spread over the id range like real edits. */
const spread = (n: number, count: number, offset: number) => Array.from({ length: count }, (_, i) => 1 + ((offset + Math.floor((i * n) / count)) % n));

/** New vectors for `ids`: a small move from the old ones, as an edited profile would make. */
async function rewriteVectors(t: TestDatabase, table: string, key: string, ids: number[], dim: number, seed: number): Promise<void> {
  for (const id of ids) {
    const [[row]] = (await t.db.pool.query(`SELECT vectors FROM ${table} WHERE ${key} = ?`, [id])) as unknown as [{ vectors: Buffer }[]];
    const old = new Float32Array(row.vectors.buffer.slice(row.vectors.byteOffset, row.vectors.byteOffset + row.vectors.byteLength));
    const facets = FACETS.map((_, f) => {
      const v = old.slice(f * dim, (f + 1) * dim);
      for (let i = 0; i < dim; i += 7) v[i] += Math.sin(seed + id + i) * 0.3;
      return v;
    });
    const p = packVectors(facets);
    await t.db.pool.execute(`UPDATE ${table} SET vectors = ?, facet_mask = ?, facet_dims = ?, vectors_hash = ? WHERE ${key} = ?`, [p.blob, p.mask, formatDims(p.dims), p.hash, id]);
  }
}

export async function runIncrementalBench(o: IncrementalBenchOptions) {
  const log = o.log ?? ((l: string) => console.log(l));
  const dim = o.dim ?? 1536;
  const reserve = String(o.reserve ?? 16);
  const cpu = cpuInfo();
  const t = await createTestDatabase(`bench_inc_${o.talents}x${o.jobs}`);
  try {
    log(`${cpu.model}, ${cpu.cores} cores`);
    await seedBenchData(t, o.talents, o.jobs, dim);
    let s = performance.now();
    const full = await runMatchProcess(t.url, ['--reserve', reserve], log);
    const fc = full.counts as Record<string, number>;
    const published = Number(fc.rowsTalentToJob) + Number(fc.rowsJobToTalent);
    const fullMs = performance.now() - s;
    log(`full run: ${(fullMs / 1000).toFixed(1)} s`);

    const pct = (n: number) => Math.max(1, Math.round(n / 100));
    await rewriteVectors(t, 'talent_embeddings', 'talent_user_id', spread(o.talents, pct(o.talents), 3), dim, 1);
    await rewriteVectors(t, 'job_embeddings', 'job_posting_id', spread(o.jobs, pct(o.jobs), 5), dim, 2);
    await t.db.pool.query(`UPDATE job_postings SET status = 'CLOSED' WHERE id IN (?)`, [spread(o.jobs, pct(o.jobs), 11)]);
    log(`mutated: ${pct(o.talents)} talents and ${pct(o.jobs)} postings changed, ${pct(o.jobs)} postings closed`);

    s = performance.now();
    const summary = await runMatchProcess(t.url, ['--incremental', '--reserve', reserve], log);
    const incMs = performance.now() - s;
    const tm = summary.timings as Record<string, number>;
    const counts = summary.counts as Record<string, number>;
    const result = {
      cpu,
      shape: { talents: o.talents, jobs: o.jobs, reserve: Number(reserve) },
      fullSeconds: fullMs / 1000,
      incrementalSeconds: incMs / 1000,
      ratio: incMs / fullMs,
      split: { readSeconds: tm.readMs / 1000, computeSeconds: tm.computeMs / 1000, listsSeconds: tm.listsMs / 1000, writeSeconds: tm.writeMs / 1000 },
      rowsRewritten: counts.rowsWritten,
      rowsPublished: published,
      lists: {
        talentRepaired: counts.talentListsRepaired, talentRecomputed: counts.talentListsRecomputed,
        jobRepaired: counts.jobListsRepaired, jobRecomputed: counts.jobListsRecomputed,
        recomputedForLostReserve: counts.listsRecomputedForLostReserve,
      },
    };
    const f = (x: number) => x.toFixed(1);
    log(`incremental: ${f(result.incrementalSeconds)} s = ${result.ratio.toFixed(3)} × the full run (target ≤ 0.1)`);
    log(`  read ${f(result.split.readSeconds)} s, compute ${f(result.split.computeSeconds)} s, lists ${f(result.split.listsSeconds)} s, write ${f(result.split.writeSeconds)} s (process wall, startup included: ${f(incMs / 1000)} s)`);
    log(`  rows rewritten: ${counts.rowsWritten} of ${published} published (${((counts.rowsWritten / published) * 100).toFixed(0)}%): the output's own change, the floor of any exact update`);
    log(
      `  talent lists: ${counts.talentListsRepaired} repaired from the reserve, ${counts.talentListsRecomputed} recomputed; job lists: ${counts.jobListsRepaired} repaired, ${counts.jobListsRecomputed} recomputed; ` +
        `${counts.listsRecomputedForLostReserve} recomputed because they lost more than the reserve of ${reserve}`,
    );
    return result;
  } finally {
    await t.drop();
  }
}
