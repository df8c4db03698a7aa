/**
 * `npm run bench -- incremental`: a full run, then twice (1% of talents change,
 * 1% of postings change, 1% of postings close, `match --incremental
 * --vector-cache`): the first with a cold cache, the second warm; then one
 * talent's profile changes. Reports each wall time as a share of the full run
 * (target ≤ 0.1), rows deleted and inserted, where vectors came from, and the
 * read / compute / write split.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACETS } from '../src/facets.js';
import { formatDims, packVectors } from '../src/vectors/packedVectors.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/testDb.js';
import { cpuInfo } from './machine.js';
import { runMatchProcess, seedBenchData } from './match.js';
import { median, spawnWatch } from './watchLag.js';
import { loadavg } from 'node:os';

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

/** One incremental run as a process, measured: wall time, its split and its counts. */
async function measuredIncrement(t: TestDatabase, args: string[], log: (l: string) => void) {
  const s = performance.now();
  const summary = await runMatchProcess(t.url, ['--incremental', ...args], log);
  const ms = performance.now() - s;
  const tm = summary.timings as Record<string, number>;
  const c = summary.counts as Record<string, number>;
  return {
    seconds: ms / 1000,
    split: { readSeconds: tm.readMs / 1000, computeSeconds: tm.computeMs / 1000, listsSeconds: tm.listsMs / 1000, writeSeconds: tm.writeMs / 1000 },
    rows: { deleted: c.rowsDeleted, inserted: c.rowsInserted },
    writeSplit: Object.fromEntries(['splitMs', 'undoMs', 'applyUndoReadMs', 'applyDeleteMs', 'applyInsertMs', 'applyListsMs', 'applyCommitMs'].map((k) => [k, tm[k] ?? 0])),
    listsTouched: c.listsTouched,
    engine: { kernel: c.kernel as unknown as string, pairsRescored: c.pairsRescored, graphSeconds: (tm.engineGraphMs ?? 0) / 1000, rescoreSeconds: (tm.engineRescoreMs ?? 0) / 1000 },
    vectors: { fromDb: c.vectorsFromDb, fromCache: c.vectorsFromCache },
    lists: {
      talentRepaired: c.talentListsRepaired, talentRecomputed: c.talentListsRecomputed,
      jobRepaired: c.jobListsRepaired, jobRecomputed: c.jobListsRecomputed,
      recomputedForLostReserve: c.listsRecomputedForLostReserve,
    },
  };
}

export async function runIncrementalBench(o: IncrementalBenchOptions) {
  const log = o.log ?? ((l: string) => console.log(l));
  const dim = o.dim ?? 1536;
  const reserve = String(o.reserve ?? 16);
  const cpu = cpuInfo();
  const t = await createTestDatabase(`bench_inc_${o.talents}x${o.jobs}`);
  const cacheDir = mkdtempSync(join(tmpdir(), 'fitmatch-bench-vcache-'));
  try {
    log(`${cpu.model}, ${cpu.cores} cores; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    await seedBenchData(t, o.talents, o.jobs, dim);
    const s = performance.now();
    const full = await runMatchProcess(t.url, ['--reserve', reserve], log);
    const fc = full.counts as Record<string, number>;
    const published = Number(fc.rowsTalentToJob) + Number(fc.rowsJobToTalent);
    const fullMs = performance.now() - s;
    log(`full run: ${(fullMs / 1000).toFixed(1)} s, ${published} rows published`);

    const pct = (n: number) => Math.max(1, Math.round(n / 100));
    const mix = async (round: number) => {
      await rewriteVectors(t, 'talent_embeddings', 'talent_user_id', spread(o.talents, pct(o.talents), 3 + round * 17), dim, 1 + round);
      await rewriteVectors(t, 'job_embeddings', 'job_posting_id', spread(o.jobs, pct(o.jobs), 5 + round * 17), dim, 2 + round);
      await t.db.pool.query(`UPDATE job_postings SET status = 'CLOSED' WHERE id IN (?)`, [spread(o.jobs, pct(o.jobs), 11 + round * 17)]);
    };
    const args = ['--reserve', reserve, '--vector-cache', cacheDir];
    const f = (x: number) => x.toFixed(1);
    const report = (name: string, r: Awaited<ReturnType<typeof measuredIncrement>>) => {
      log(`${name}: ${f(r.seconds)} s = ${(r.seconds / (fullMs / 1000)).toFixed(3)} × the full run (target ≤ 0.1)`);
      log(`  read ${f(r.split.readSeconds)} s, compute ${f(r.split.computeSeconds)} s, lists ${f(r.split.listsSeconds)} s, write ${f(r.split.writeSeconds)} s (process wall, startup included)`);
      log(`  rows: ${r.rows.deleted} deleted, ${r.rows.inserted} inserted, of ${published} published (${((r.rows.inserted / published) * 100).toFixed(1)}%); lists touched: ${r.listsTouched}`);
      log(`  vectors: ${r.vectors.fromDb} from the database, ${r.vectors.fromCache} from the local cache`);
      // A pass that only removes (a posting closed) runs no kernel: its engine figures are absent.
      log(
        r.engine.kernel === undefined
          ? '  compute: no kernel ran (nothing to score: lists repaired from the reserve)'
          : `  compute: ${r.engine.kernel} kernel, graph ${f(r.engine.graphSeconds)} s, bounds + exact re-score ${f(r.engine.rescoreSeconds)} s (${r.engine.pairsRescored} pairs re-scored exactly)`,
      );
      log(`  write: ${Object.entries(r.writeSplit).map(([k, v]) => `${k.replace(/Ms$/, '')} ${f(v / 1000)} s`).join(', ')}`);
      log(
        `  talent lists: ${r.lists.talentRepaired} repaired from the reserve, ${r.lists.talentRecomputed} recomputed; job lists: ${r.lists.jobRepaired} repaired, ${r.lists.jobRecomputed} recomputed; ` +
          `${r.lists.recomputedForLostReserve} recomputed because they lost more than the reserve of ${reserve}`,
      );
    };
    await mix(0);
    log(`mutated: ${pct(o.talents)} talents and ${pct(o.jobs)} postings changed, ${pct(o.jobs)} postings closed`);
    const cold = await measuredIncrement(t, args, log);
    report('incremental, cold cache (first run on this host: every vector from the database)', cold);
    await mix(1);
    log(`mutated again: another ${pct(o.talents)} talents and ${pct(o.jobs)} postings changed, ${pct(o.jobs)} closed`);
    const warm = await measuredIncrement(t, args, log);
    report('incremental, warm cache', warm);
    await rewriteVectors(t, 'talent_embeddings', 'talent_user_id', [1 + Math.floor(o.talents / 2)], dim, 99);
    const one = await measuredIncrement(t, args, log);
    report("one talent's profile changed, warm cache", one);
    const openPosting = async (offset: number) => ((await t.exec("SELECT id FROM job_postings WHERE status = 'PUBLISHED' ORDER BY id LIMIT 1 OFFSET ?", [offset])) as { id: number }[])[0].id;
    await t.db.pool.query(`UPDATE job_postings SET status = 'CLOSED', updated_at = NOW() WHERE id = ?`, [await openPosting(Math.floor(o.jobs / 7))]);
    const closed = await measuredIncrement(t, args, log);
    report('one posting closed, warm cache', closed);

    // The watcher: default interval (5 s), warm between passes; lag = the write's commit to the watch_pass event that published it.
    const w = spawnWatch(t.url, ['--no-backfill', ...args], log);
    const watch = { talentLagSeconds: [] as number[], closedLagSeconds: [] as number[], talentPassSeconds: [] as number[], closedPassSeconds: [] as number[], reportedLagSeconds: [] as number[] };
    try {
      await w.nextPass(['unchanged', 'published', 'quiet', 'full']);
      for (let round = 0; round < 3; round++) {
        let s0 = performance.now();
        await rewriteVectors(t, 'talent_embeddings', 'talent_user_id', [1 + ((Math.floor(o.talents / 3) + 97 * round) % o.talents)], dim, 200 + round);
        let p = await w.nextPass(['published', 'full']);
        watch.talentLagSeconds.push((p.at - s0) / 1000);
        watch.talentPassSeconds.push(Number(p.passMs) / 1000);
        s0 = performance.now();
        await t.db.pool.query(`UPDATE job_postings SET status = 'CLOSED', updated_at = NOW() WHERE id = ?`, [await openPosting(Math.floor(o.jobs / 5) + 13 * round)]);
        p = await w.nextPass(['published', 'full']);
        watch.closedLagSeconds.push((p.at - s0) / 1000);
        watch.closedPassSeconds.push(Number(p.passMs) / 1000);
        if (p.lagMs !== null) watch.reportedLagSeconds.push(Number(p.lagMs) / 1000);
      }
    } finally {
      await w.stop();
    }
    const m = (xs: number[]) => `${f(median(xs))} s (${xs.map(f).join(', ')})`;
    log(`fitmatch watch (interval 5 s, warm): a talent's vector change visible in match_results after ${m(watch.talentLagSeconds)}, its pass ${m(watch.talentPassSeconds)}`);
    log(`  a posting closed visible after ${m(watch.closedLagSeconds)}, its pass ${m(watch.closedPassSeconds)}; the watcher's own lag (updated_at → published, whole seconds) ${m(watch.reportedLagSeconds)}`);
    log(`  (target ≤ 10 s; the wait for the next poll is up to 5 s of it; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    return {
      cpu,
      shape: { talents: o.talents, jobs: o.jobs, dim, reserve: Number(reserve) },
      fullSeconds: fullMs / 1000,
      rowsPublished: published,
      coldCache: { ...cold, ratio: cold.seconds / (fullMs / 1000) },
      warmCache: { ...warm, ratio: warm.seconds / (fullMs / 1000) },
      oneTalent: { ...one, ratio: one.seconds / (fullMs / 1000) },
      onePostingClosed: { ...closed, ratio: closed.seconds / (fullMs / 1000) },
      watch: { ...watch, talentLagMedianSeconds: median(watch.talentLagSeconds), closedLagMedianSeconds: median(watch.closedLagSeconds) },
      loadAverage: loadavg(),
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    await t.drop();
  }
}
