/**
 * End-to-end match benchmark, every figure issue 13 asks for from one sitting:
 * numpy GEMM for the same multiply, the engine alone, the pipeline's compute,
 * reads alone (today's six-blob path and the packed one) and in the pipeline,
 * write rows/s, total, and the three ratios, with the CPU model.
 *   npx tsx bench/match.ts --talents 20000 --jobs 5000
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Pool } from 'mysql2/promise';
import { FACETS } from '../src/facets.js';
import { planRun } from '../src/engine/defaultEngine.js';
import { allocBlock, emptySkips, trimBlock } from '../src/engine/embeddingBlock.js';
import { sliceBlock } from '../src/engine/JobSlices.js';
import { MatchEngine } from '../src/engine/MatchEngine.js';
import type { EngineStats } from '../src/engine/enginePort.js';
import { measureKernels } from '../src/engine/chooseKernel.js';
import { createStaging, dropStaging, finishStaging } from '../src/store/resultTables.js';
import { chooseWritePath, ResultWriter, type WritePath } from '../src/store/resultWriter.js';
import { HASH_BYTES, type SideSnapshot } from '../src/engine/snapshotCodec.js';
import type { ResultBatch } from '../src/engine/types.js';
import { VectorReader } from '../src/store/vectorReader.js';
import { formatDims, packVectors } from '../src/vectors/packedVectors.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/testDb.js';
import { onLogEvents } from './logEvents.js';
import { cpuInfo, mariadbCpuMs, numpyGemm } from './machine.js';

export interface MatchBenchOptions {
  talents: number;
  jobs: number;
  dim?: number;
  topK?: number;
  python?: boolean;
  log?: (line: string) => void;
}

const ROWS_PER_INSERT = 64;
const D = (dim: number) => 6 * dim;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function fillRandom(out: Float32Array, seed: number): void {
  let x = seed | 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x | 0) / 2147483648;
  }
}

async function seedEmbeddings(pool: Pool, table: string, key: string, first: number, count: number, dim: number, seed: number): Promise<void> {
  const cols = `${key}, vectors, facet_mask, facet_dims, vectors_hash, model, source`;
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const n = Math.min(ROWS_PER_INSERT, count - start);
    const params: (number | string | Buffer)[] = [];
    for (let i = 0; i < n; i++) {
      const p = packVectors(
        FACETS.map((_, f) => {
          const v = new Float32Array(dim);
          fillRandom(v, seed + (start + i) * 7 + f + 1);
          return v;
        }),
      );
      params.push(first + start + i, p.blob, p.mask, formatDims(p.dims), p.hash);
    }
    await pool.execute(`INSERT INTO ${table} (${cols}) VALUES ${Array(n).fill("(?, ?, ?, ?, ?, 'bench', 'text')").join(', ')}`, params);
  }
}

async function bulkRows(pool: Pool, sqlHead: string, count: number, row: (i: number) => string): Promise<void> {
  for (let s = 0; s < count; s += 5000) {
    const rows: string[] = [];
    for (let i = s; i < Math.min(count, s + 5000); i++) rows.push(row(i));
    await pool.query(`${sqlHead} VALUES ${rows.join(',')}`);
  }
}

/** Talents are users 1..N; company owners and companies N+1..; job postings 1..M. */
export async function seedBenchData(t: TestDatabase, talents: number, jobs: number, dim: number): Promise<void> {
  const pool = t.db.pool;
  const companies = Math.max(1, Math.ceil(jobs / 100));
  await bulkRows(pool, 'INSERT INTO users (id, email, password_hash, role)', talents + companies, (i) =>
    i < talents ? `(${i + 1},'t${i + 1}@b.test','x','talent')` : `(${i + 1},'c${i + 1}@b.test','x','company')`,
  );
  await bulkRows(pool, 'INSERT INTO talent_profiles (user_id, is_submitted)', talents, (i) => `(${i + 1},1)`);
  await bulkRows(pool, 'INSERT INTO companies (id, owner_user_id, name, industry, location_city)', companies, (i) => `(${i + 1},${talents + i + 1},'c','IT','서울')`);
  await bulkRows(
    pool,
    'INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, status)',
    jobs,
    (i) => `(${i + 1},${(i % companies) + 1},'j','a','a','f','서울','PUBLISHED')`,
  );
  await seedEmbeddings(pool, 'job_embeddings', 'job_posting_id', 1, jobs, dim, 1_000_003);
  await seedEmbeddings(pool, 'talent_embeddings', 'talent_user_id', 1, talents, dim, 7);
}

export function runMatchProcess(url: string, args: string[], log: (l: string) => void): Promise<Record<string, unknown>> {
  const bin = fileURLToPath(new URL('../bin/fitmatch', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'match', ...args], { env: { ...process.env, DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json' } });
    let summary: Record<string, unknown> | null = null;
    onLogEvents(
      child.stderr,
      (ev) => {
        if (ev.event === 'match_summary' || ev.event === 'match_shard_summary') summary = ev;
        else if (ev.event !== 'match_block') log(`  [match] ${String(ev.msg)}`);
      },
      (line) => log(`  [match] ${line}`),
    );
    child.on('close', (code) => (code === 0 && summary ? resolve(summary) : reject(new Error(`fitmatch match exited ${code}`))));
  });
}

/** The first `n` ids of one side as a snapshot (the bench data has no deletions: ids 1..n). */
const firstIds = (n: number): SideSnapshot => ({ ids: Float64Array.from({ length: n }, (_, i) => i + 1), hashes: new Uint8Array(n * HASH_BYTES) });

/**
 * MB/s of reading `rows` talents' vectors, alone: the packed path (one blob a
 * row, 8 connections) against the path before it (six blobs a row, 4
 * connections), on the same rows, from a copy of the data in the old layout.
 */
async function measureReads(t: TestDatabase, rows: number, dim: number): Promise<{ packedMBps: number; sixBlobMBps: number; rows: number }> {
  const pool = t.db.pool;
  const bytes = rows * D(dim) * 4;
  const packed: number[] = [];
  const six: number[] = [];
  await pool.query(`CREATE TABLE bench_six (id BIGINT PRIMARY KEY, ${FACETS.map((f) => `vec_${f} MEDIUMBLOB`).join(', ')}) ENGINE=InnoDB`);
  try {
    const len = dim * 4;
    await pool.query(
      `INSERT INTO bench_six SELECT talent_user_id, ${FACETS.map((_, f) => `SUBSTRING(vectors, ${f * len + 1}, ${len})`).join(', ')} FROM talent_embeddings WHERE talent_user_id <= ?`,
      [rows],
    );
    const block = allocBlock(rows, Array(6).fill(dim));
    for (let rep = 0; rep < 3; rep++) {
      let s = performance.now();
      await new VectorReader(pool, 'talent', Array(6).fill(dim), emptySkips()).read(firstIds(rows), 0, rows, block);
      packed.push(bytes / 2 ** 20 / ((performance.now() - s) / 1000));
      s = performance.now();
      await readSixBlobs(pool, rows);
      six.push(bytes / 2 ** 20 / ((performance.now() - s) / 1000));
    }
  } finally {
    await pool.query('DROP TABLE bench_six');
  }
  return { packedMBps: median(packed), sixBlobMBps: median(six), rows };
}

/** The read path before packed vectors: pages of 256 ids, six blobs a row, 4 queries in flight. */
async function readSixBlobs(pool: Pool, rows: number): Promise<void> {
  const pages: number[] = [];
  for (let p = 0; p < rows; p += 256) pages.push(p);
  const worker = async () => {
    for (let p = pages.shift(); p !== undefined; p = pages.shift()) {
      const ids = Array.from({ length: Math.min(256, rows - p) }, (_, i) => p + i + 1);
      await pool.query({ sql: `SELECT id, ${FACETS.map((f) => `vec_${f}`).join(', ')} FROM bench_six WHERE id IN (?) ORDER BY id`, values: [ids], rowsAsArray: true });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** GFLOP/s of the engine alone on `talents` talents against every job, vectors already in memory, blocks as a run plans them. */
async function measureEngine(t: TestDatabase, talents: number, jobs: number, dim: number, topK: number, kernel: 'fp32' | 'int8' = 'fp32'): Promise<{ gflops: number; seconds: number; talents: number; stats?: EngineStats }> {
  const dims = Array(6).fill(dim);
  const plan = planRun({ memoryBytes: 2 * 2 ** 30, dims, talents, jobs, topK, reserve: 16 });
  const read = async (side: 'talent' | 'job', n: number) => {
    const b = allocBlock(n, dims);
    await new VectorReader(t.db.pool, side, dims, emptySkips()).read(firstIds(n), 0, n, b);
    return trimBlock(b);
  };
  const jobBlock = await read('job', jobs);
  const talentBlock = await read('talent', talents);
  const engine = await MatchEngine.create({ topK, reserve: 16, weights: Array(6).fill(1), dims, threads: 2, talentBlockRows: plan.talentBlockRows, jobChunkRows: plan.jobChunkRows, kernel });
  engine.setJobs(jobBlock);
  // One block to warm up the sessions (arena growth, packing), then the run.
  await engine.processBlock(sliceBlock(talentBlock, 0, Math.min(plan.talentBlockRows, talents), dims));
  const s = performance.now();
  const { stats } = await engine.processBlock(talentBlock);
  const seconds = (performance.now() - s) / 1000;
  await engine.close();
  return { gflops: (2 * talents * jobs * D(dim)) / seconds / 1e9, seconds, talents, stats };
}

/** Rows/s of each write path for `rows` synthetic results into a fresh staging table, index and FK build included. */
async function measureWriteRates(t: TestDatabase, talents: number, jobs: number, rows: number): Promise<Partial<Record<WritePath, number>>> {
  const batch: ResultBatch = {
    direction: 'talent_to_job',
    length: rows,
    subjectIds: Float64Array.from({ length: rows }, (_, i) => 1 + Math.floor(i / 50)),
    candidateIds: Float64Array.from({ length: rows }, (_, i) => 1 + ((i * 7919) % jobs)),
    totals: Float64Array.from({ length: rows }, (_, i) => 50 + (i % 5000) / 100),
    facetCents: Int16Array.from({ length: rows * 6 }, (_, i) => (i % 7 === 6 ? -1 : 4000 + (i % 6000))),
    runIds: new Float64Array(rows),
    computedAt: new Array<string>(rows).fill('2026-01-01 00:00:00'),
  };
  if (rows / 50 > talents || jobs < 50) throw new Error('write-rate sample needs more talents/jobs');
  const out: Partial<Record<WritePath, number>> = {};
  for (const mode of ['load-data', 'insert'] as const) {
    const path = await chooseWritePath(t.db.pool, mode).catch(() => null);
    if (!path) continue;
    await createStaging(t.db.pool, 0);
    const w = new ResultWriter(t.db.pool, 'match_results_r0', path.path, path.maxAllowedPacket);
    const s = performance.now();
    await w.write(batch);
    await w.flush();
    const conn = await t.db.pool.getConnection();
    try {
      await finishStaging(conn, 0, new Float64Array(0), new Float64Array(0));
    } finally {
      conn.release();
    }
    out[mode] = Math.round(rows / ((performance.now() - s) / 1000));
    await dropStaging(t.db.pool, 0);
  }
  return out;
}

export async function runMatchBench(o: MatchBenchOptions) {
  const log = o.log ?? ((l: string) => console.log(l));
  const dim = o.dim ?? 1536;
  const topK = o.topK ?? 50;
  const cpu = cpuInfo();
  const t = await createTestDatabase(`bench_${o.talents}x${o.jobs}`);
  try {
    let s = performance.now();
    log(`${cpu.model}, ${cpu.cores} cores${cpu.avx512 ? ', AVX-512' : cpu.avx2 ? ', AVX2' : ''}`);
    log(`seeding ${t.name}: ${o.talents} talents x ${o.jobs} jobs, 6 x ${dim} dims`);
    await seedBenchData(t, o.talents, o.jobs, dim);
    log(`seeded in ${((performance.now() - s) / 1000).toFixed(1)}s`);
    const flop = 2 * o.talents * o.jobs * D(dim);

    const gemm = o.python === false ? { skipped: '--no-python' } : numpyGemm(2000, Math.min(o.jobs, 5000), D(dim));
    log('gflops' in gemm ? `numpy GEMM (OpenBLAS ${gemm.core}): ${gemm.gflops.toFixed(0)} GFLOP/s` : `numpy GEMM skipped: ${gemm.skipped}`);
    const before = await measureEngine(t, Math.min(o.talents, 10_000), o.jobs, dim, topK);
    log(`engine alone (fp32 candidates): ${before.gflops.toFixed(0)} GFLOP/s (${before.talents} talents x ${o.jobs} jobs in ${before.seconds.toFixed(1)}s)`);
    const beforeInt8 = await measureEngine(t, Math.min(o.talents, 10_000), o.jobs, dim, topK, 'int8');
    log(`engine alone (int8 candidates): ${beforeInt8.gflops.toFixed(0)} GFLOP/s${beforeInt8.stats?.kernel === 'fp32' ? ' (switched to fp32: the int8 bound left too many candidates on this data)' : ''}`);
    const bare = await measureKernels(2, 2000, Math.min(o.jobs, 5000), D(dim), 3);
    log(`bare ORT: fp32 Gemm ${bare.fp32.toFixed(0)} GFLOP/s, u8xs8 MatMulInteger ${bare.int8.toFixed(0)} GOP/s`);
    const reads = await measureReads(t, Math.min(o.talents, 10_000), dim);
    log(`reads alone: packed ${reads.packedMBps.toFixed(0)} MB/s, six blobs ${reads.sixBlobMBps.toFixed(0)} MB/s (${reads.rows} talents, median of 3)`);

    s = performance.now();
    const dbCpu0 = mariadbCpuMs();
    const summary = await runMatchProcess(t.url, ['--top-k', String(topK)], log);
    const totalMs = performance.now() - s;
    const dbCpu1 = mariadbCpuMs();
    const dbCpuMs = dbCpu0 !== null && dbCpu1 !== null ? dbCpu1 - dbCpu0 : null;
    const tm = summary.timings as Record<string, number>;
    const pipelineGflops = flop / (tm.computeMs / 1000) / 1e9;
    const readMB = ((o.talents + o.jobs) * D(dim) * 4) / 2 ** 20;
    const writeRates = await measureWriteRates(t, o.talents, o.jobs, Math.min(500_000, o.talents * 50));
    // Again once the server has flushed what seeding and the run wrote (its background work slows the first):
    // the faster of the two is the standalone speed the pipeline is held to.
    const after = await measureEngine(t, Math.min(o.talents, 10_000), o.jobs, dim, topK);
    log(`engine alone, after the run: ${after.gflops.toFixed(0)} GFLOP/s`);
    const engine = after.gflops > before.gflops ? after : before;

    const gemmSeconds = 'gflops' in gemm ? flop / gemm.gflops / 1e9 : null;
    const result = {
      cpu,
      shape: { talents: o.talents, jobs: o.jobs, dims: D(dim), topK },
      numpy: gemm,
      gemmOnlySeconds: gemmSeconds,
      engineAloneGflops: engine.gflops,
      engineAloneRuns: [before.gflops, after.gflops],
      engineAloneInt8Gflops: beforeInt8.gflops,
      bareOrt: bare,
      engineStats: summary.engine as EngineStats | undefined,
      pipeline: {
        totalSeconds: totalMs / 1000,
        computeSeconds: tm.computeMs / 1000,
        computeGflops: pipelineGflops,
        readSeconds: (tm.readMs + tm.jobsReadMs) / 1000,
        readMBps: readMB / ((tm.readMs + tm.jobsReadMs) / 1000),
        writeSeconds: tm.persistMs / 1000,
        indexSeconds: tm.indexMs / 1000,
        peakRssMb: summary.peakRssMb,
        timings: tm,
      },
      cpuSeconds: { fitmatch: ((summary.cpuMs as number | undefined) ?? NaN) / 1000, mariadb: dbCpuMs === null ? null : dbCpuMs / 1000 },
      readsAlone: reads,
      writeRowsPerSecond: writeRates,
      ratios: {
        totalOverGemm: gemmSeconds ? totalMs / 1000 / gemmSeconds : null,
        pipelineComputeOverEngine: pipelineGflops / engine.gflops,
        packedReadOverSixBlob: reads.packedMBps / reads.sixBlobMBps,
      },
    };
    const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
    log('');
    log(`| ${cpu.model} | value |`);
    log('|---|---|');
    log(`| numpy GEMM for T×J×${D(dim)} | ${f(gemmSeconds)} s (${'gflops' in gemm ? gemm.gflops.toFixed(0) : 'n/a'} GFLOP/s, OpenBLAS ${'core' in gemm ? gemm.core : '-'}) |`);
    log(`| engine alone | ${engine.gflops.toFixed(0)} GFLOP/s (before the run ${before.gflops.toFixed(0)}, after ${after.gflops.toFixed(0)}) |`);
    log(`| bare ORT fp32 Gemm / u8×s8 MatMulInteger (2000 × ${Math.min(o.jobs, 5000)} × ${D(dim)}) | ${bare.fp32.toFixed(0)} GFLOP/s / ${bare.int8.toFixed(0)} GOP/s |`);
    log(`| engine alone, int8 candidates | ${beforeInt8.gflops.toFixed(0)} GFLOP/s${beforeInt8.stats?.kernel === 'fp32' ? ' (switched to fp32)' : ''} |`);
    const es = result.engineStats;
    if (es) {
      log(`| kernel in the run | ${es.kernel}: ${es.kernelWhy} |`);
      log(`| candidates re-scored exactly | ${es.rescored} pairs, ${(es.rescored / Math.max(1, es.subjects)).toFixed(1)} per subject per slice (+${es.reused} reused for the other direction); ${es.fallbacks} subjects scored exactly against a whole slice; ${es.redoneFp32} int8 runs redone with fp32 |`);
      log(`| candidate graph / bounds + exact re-score | ${f(es.graphMs / 1000)} s / ${f(es.rescoreMs / 1000)} s |`);
    }
    log(`| compute in the pipeline | ${f(tm.computeMs / 1000)} s (${pipelineGflops.toFixed(0)} GFLOP/s) |`);
    log(`| reads in the pipeline | ${f((tm.readMs + tm.jobsReadMs) / 1000)} s busy, ${result.pipeline.readMBps.toFixed(0)} MB/s |`);
    log(`| reads alone | packed ${reads.packedMBps.toFixed(0)} MB/s vs six blobs ${reads.sixBlobMBps.toFixed(0)} MB/s |`);
    log(`| tail: job lists merge + index/FK build | ${f((tm.mergeMs ?? 0) / 1000)} + ${f((tm.indexMs ?? 0) / 1000)} s |`);
    log(`| writes | ${f(tm.persistMs / 1000)} s busy in the pipeline; alone: LOAD DATA ${writeRates['load-data'] ?? 'n/a'} rows/s, INSERT ${writeRates.insert ?? 'n/a'} rows/s |`);
    log(`| total | ${f(totalMs / 1000)} s, peak RSS ${summary.peakRssMb} MB |`);
    // Phases overlap (reads and writes run beside the engine), so their shares add up to more than the run.
    const share = (ms: number | undefined) => `${f((ms ?? 0) / 1000)} s (${(((ms ?? 0) / totalMs) * 100).toFixed(0)}%)`;
    const phases: [string, number | undefined][] = [
      ['read jobs', tm.jobsReadMs], ['read talents', tm.readMs], ['compute', tm.computeMs],
      ...(es ? ([['  of which candidate graph', es.graphMs], ['  of which exact re-score', es.rescoreMs]] as [string, number][]) : []),
      ['write', tm.persistMs], ['job lists merge', tm.mergeMs], ['index/FK build', tm.indexMs], ['publish', tm.publishMs],
    ];
    log(`| phases (busy time, share of the run; they overlap) | ${phases.map(([n, ms]) => `${n} ${share(ms)}`).join(', ')} |`);
    const cpuFit = summary.cpuMs as number | undefined;
    log(`| CPU in the run (2 cores = ${f((2 * totalMs) / 1000)} core-s) | fitmatch ${cpuFit === undefined ? 'n/a' : `${f(cpuFit / 1000)} s`}, MariaDB ${dbCpuMs === null ? 'n/a' : `${f(dbCpuMs / 1000)} s`} |`);
    log(`| total ÷ GEMM-only (target ≤ 1.5 at 20k × 5k, ≤ 1.0 at production shape) | ${f(result.ratios.totalOverGemm, 2)} |`);
    log(`| pipeline compute ÷ engine alone (target ≥ 0.95) | ${f(result.ratios.pipelineComputeOverEngine, 2)} |`);
    log(`| packed reads ÷ six-blob reads (target ≥ 3) | ${f(result.ratios.packedReadOverSixBlob, 2)} |`);
    return result;
  } finally {
    await t.drop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { talents: { type: 'string', default: '20000' }, jobs: { type: 'string', default: '5000' } } });
  await runMatchBench({ talents: Number(values.talents), jobs: Number(values.jobs) });
}
