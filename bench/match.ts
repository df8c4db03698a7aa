/**
 * End-to-end match benchmark: builds a database of N talents x M jobs with
 * 6 x 1536-dim embeddings, runs `fitmatch match` as a child process (so its
 * peak RSS is its own), measures LOAD DATA vs INSERT write rates, and
 * extrapolates to production shape (100,000 x 20,000).
 *
 *   npx tsx bench/match.ts --talents 20000 --jobs 5000
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Pool } from 'mysql2/promise';
import { FACETS } from '../src/facets.js';
import { formatDims, packVectors } from '../src/vectors/packedVectors.js';
import { createStaging, dropStaging, finishStaging } from '../src/match/resultTables.js';
import { chooseWritePath, ResultWriter, type WritePath } from '../src/match/resultWriter.js';
import type { ResultBatch } from '../src/match/types.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/testDb.js';

export interface MatchBenchOptions {
  talents: number;
  jobs: number;
  dim?: number;
  topK?: number;
  log?: (line: string) => void;
}

export interface MatchBenchResult {
  talents: number;
  jobs: number;
  seedMs: number;
  summary: Record<string, unknown>;
  writeRates: Record<WritePath, number>;
  extrapolated: Record<string, number>;
}

const ROWS_PER_INSERT = 64;

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
  const one = `(?, ?, ?, ?, ?, 'bench', 'text')`;
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const n = Math.min(ROWS_PER_INSERT, count - start);
    const params: (number | string | Buffer)[] = [];
    for (let i = 0; i < n; i++) {
      const p = packVectors(FACETS.map((_, f) => {
        const v = new Float32Array(dim);
        fillRandom(v, seed + (start + i) * 7 + f + 1);
        return v;
      }));
      params.push(first + start + i, p.blob, p.mask, formatDims(p.dims), p.hash);
    }
    await pool.execute(`INSERT INTO ${table} (${cols}) VALUES ${Array(n).fill(one).join(', ')}`, params);
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

function runMatchProcess(url: string, args: string[], log: (l: string) => void): Promise<Record<string, unknown>> {
  const bin = fileURLToPath(new URL('../bin/fitmatch', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'match', ...args], { env: { ...process.env, DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json' } });
    let summary: Record<string, unknown> | null = null;
    let buf = '';
    child.stderr.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const ev = JSON.parse(line) as Record<string, unknown>;
        if (ev.event === 'match_summary') summary = ev;
        else log(`  [match] ${ev.msg}`);
      }
    });
    child.on('exit', (code) => (code === 0 && summary ? resolve(summary) : reject(new Error(`fitmatch match exited ${code}`))));
  });
}

/** Rows/s of each write path for `rows` synthetic results into a fresh staging table. */
async function measureWriteRates(t: TestDatabase, talents: number, jobs: number, rows: number): Promise<Record<WritePath, number>> {
  const batch: ResultBatch = {
    direction: 'talent_to_job',
    length: rows,
    subjectIds: Float64Array.from({ length: rows }, (_, i) => 1 + Math.floor(i / 50)),
    candidateIds: Float64Array.from({ length: rows }, (_, i) => 1 + ((i * 7919) % jobs)),
    ranks: Int32Array.from({ length: rows }, (_, i) => 1 + (i % 50)),
    totals: Float64Array.from({ length: rows }, (_, i) => 50 + (i % 5000) / 100),
    facetCents: Int16Array.from({ length: rows * 6 }, (_, i) => (i % 7 === 6 ? -1 : 4000 + (i % 6000))),
    runIds: new Float64Array(rows),
    computedAt: new Array<string>(rows).fill('2026-01-01 00:00:00'),
  };
  if (rows / 50 > talents || jobs < 50) throw new Error('write-rate sample needs more talents/jobs');
  const out = {} as Record<WritePath, number>;
  for (const mode of ['load-data', 'insert'] as const) {
    const path = await chooseWritePath(t.db.pool, mode).catch(() => null);
    if (!path) continue;
    await createStaging(t.db.pool, 0);
    const w = new ResultWriter(t.db.pool, 'match_results_r0', path.path, path.maxAllowedPacket);
    const s = performance.now();
    await w.write(batch);
    await w.flush();
    // Rows/s including the index and FK build that follows the load in a real run.
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

export async function runMatchBench(o: MatchBenchOptions): Promise<MatchBenchResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const dim = o.dim ?? 1536;
  const t = await createTestDatabase(`bench_${o.talents}x${o.jobs}`);
  try {
    const s = performance.now();
    log(`seeding ${t.name}: ${o.talents} talents x ${o.jobs} jobs, 6 x ${dim} dims`);
    await seedBenchData(t, o.talents, o.jobs, dim);
    const seedMs = performance.now() - s;
    log(`seeded in ${(seedMs / 1000).toFixed(1)}s`);
    const summary = await runMatchProcess(t.url, ['--top-k', String(o.topK ?? 50)], log);
    const writeRates = await measureWriteRates(t, o.talents, o.jobs, Math.min(500_000, o.talents * 50));
    const tm = summary.timings as Record<string, number>;
    const c = summary.counts as Record<string, number>;
    const pairs = (100_000 * 20_000) / (c.eligibleTalents * c.eligibleJobs);
    const rowsScale = (100_000 + 20_000) / (c.eligibleTalents + c.eligibleJobs);
    const extrapolated = {
      readMs: tm.readMs * (100_000 + 20_000) / (c.eligibleTalents + c.eligibleJobs),
      computeMs: tm.computeMs * pairs,
      writeMs: tm.writeMs * rowsScale,
      publishMs: tm.publishMs,
    };
    // Writes overlap compute; the sum is the no-overlap upper bound.
    (extrapolated as Record<string, number>).totalUpperBoundMs = extrapolated.readMs + extrapolated.computeMs + extrapolated.writeMs + extrapolated.publishMs;
    return { talents: o.talents, jobs: o.jobs, seedMs, summary, writeRates, extrapolated };
  } finally {
    await t.drop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { talents: { type: 'string', default: '20000' }, jobs: { type: 'string', default: '5000' } } });
  const r = await runMatchBench({ talents: Number(values.talents), jobs: Number(values.jobs) });
  console.log(JSON.stringify({ ...r, summary: { counts: r.summary.counts, timings: r.summary.timings, peakRssMb: r.summary.peakRssMb, plan: r.summary.plan } }, null, 2));
}
