/**
 * Backfill benchmark: a fresh database with the app schema, a FitConnect-shaped
 * dataset from `fitmatch seed` (6 × dim facets in the app's JSON form, with its
 * usual share of dirty rows), then a full backfill, a no-op re-run, a parse-only
 * pass and a write-mode comparison (prepared vs hex-inlined Buffers).
 *   npx tsx bench/backfill.ts [talents] [jobs] [dim]
 */
import { formatDims, packVectors } from '../src/vectors/packedVectors.js';
import type { RowDataPacket } from 'mysql2/promise';
import { fileURLToPath } from 'node:url';
import { parseFacet } from '../src/backfill/parsePayload.js';
import { payloadHash } from '../src/backfill/applyWork.js';
import { fixedClock, systemClock } from '../src/clock.js';
import { backfill } from '../src/commands/backfill.js';
import { seed } from '../src/commands/seed.js';
import type { CommandContext } from '../src/context.js';
import { createLogger } from '../src/log.js';
import { createTestDatabase } from '../test/helpers/testDb.js';

export interface BackfillBenchOptions {
  talents?: number;
  jobs?: number;
  companies?: number;
  dim?: number;
  print?: (line: string) => void;
}

export interface BackfillBenchResult {
  rows: number;
  jsonMB: number;
  full: { seconds: number; rowsPerSec: number; jsonMBPerSec: number; peakRssMB: number; timingsMs: Record<string, number> };
  noop: { seconds: number; writes: number };
  parse: { MBPerSec: number; hashMBPerSec: number };
  writeModes: { executeMs: number; queryHexMs: number; rows: number };
}

const mb = (b: number) => b / 2 ** 20;

export async function runBackfillBench(opts: BackfillBenchOptions = {}): Promise<BackfillBenchResult> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const o = { talents: 20_000, jobs: 5_000, companies: 500, dim: 1536, ...defined } as Required<BackfillBenchOptions>;
  const t = await createTestDatabase('bench_backfill');
  const quiet = createLogger({ format: 'json', write: () => {} });
  const ctx: CommandContext = { db: t.db, clock: systemClock, log: quiet, config: t.config, signal: new AbortController().signal };
  try {
    let t0 = performance.now();
    await seed({ talents: o.talents, jobs: o.jobs, companies: o.companies, dim: o.dim, force: true }, { ...ctx, clock: fixedClock('2026-01-01T00:00:00Z') });
    print(`seeded ${o.talents} talents, ${o.jobs} postings at 6 × ${o.dim} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const [[stats]] = await t.db.pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, SUM(COALESCE(LENGTH(vector_roles),0)+COALESCE(LENGTH(vector_skills),0)+COALESCE(LENGTH(vector_growth),0)+COALESCE(LENGTH(vector_career),0)+COALESCE(LENGTH(vector_vision),0)+COALESCE(LENGTH(vector_culture),0)) AS bytes FROM matching_vectors`,
    );
    const rows = Number(stats.n);
    const jsonMB = mb(Number(stats.bytes));
    print(`matching_vectors: ${rows} rows, ${jsonMB.toFixed(0)} MB of JSON (${(Number(stats.bytes) / rows / 1024).toFixed(0)} KB/row)`);

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    t0 = performance.now();
    const s = await backfill({ source: 'matching_vectors' }, ctx);
    const fullSec = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const full = { seconds: fullSec, rowsPerSec: rows / fullSec, jsonMBPerSec: jsonMB / fullSec, peakRssMB: mb(peak), timingsMs: s.timingsMs };
    print(`full backfill: ${fullSec.toFixed(1)} s, ${full.rowsPerSec.toFixed(0)} rows/s, ${full.jsonMBPerSec.toFixed(1)} MB/s of JSON, peak RSS ${full.peakRssMB.toFixed(0)} MB`);
    print(`  imported ${s.entity.talents.inserted} talents, ${s.entity.jobs.inserted} postings; skipped rows: ${Object.entries(s.rowSkips).map(([k, v]) => `${k} ${v.count}`).join(', ')}`);
    print(`  time split (ms): ${JSON.stringify(s.timingsMs)}`);

    t0 = performance.now();
    const again = await backfill({ source: 'matching_vectors' }, ctx);
    const noop = { seconds: (performance.now() - t0) / 1000, writes: [again.entity.talents, again.entity.jobs].reduce((n, c) => n + c.inserted + c.updated + c.removed + c.touched, 0) };
    print(`no-op re-run: ${noop.seconds.toFixed(2)} s, ${noop.writes} writes (${JSON.stringify(again.timingsMs)})`);

    const parse = await parseOnly(ctx, 300);
    print(`parse only: ${parse.MBPerSec.toFixed(0)} MB/s (JSON.parse + checks + normalise + float32); sha256: ${parse.hashMBPerSec.toFixed(0)} MB/s`);
    const writeModes = await compareWriteModes(ctx, o.dim, 300);
    print(`write ${writeModes.rows} rows of 6 × ${o.dim} float32: execute() ${writeModes.executeMs} ms, query() with hex Buffers ${writeModes.queryHexMs} ms`);
    return { rows, jsonMB, full, noop, parse, writeModes };
  } finally {
    await t.drop();
  }
}

async function parseOnly(ctx: CommandContext, n: number): Promise<BackfillBenchResult['parse']> {
  const [rows] = await ctx.db.pool.query<RowDataPacket[]>(
    `SELECT CAST(vector_roles AS CHAR) AS a, CAST(vector_skills AS CHAR) AS b, CAST(vector_culture AS CHAR) AS c FROM matching_vectors WHERE role = 'talent' LIMIT ?`,
    [n],
  );
  const payloads = rows.flatMap((r) => [r.a, r.b, r.c]).filter((p): p is string => typeof p === 'string');
  const bytes = payloads.reduce((s, p) => s + Buffer.byteLength(p), 0);
  let t0 = performance.now();
  for (const p of payloads) parseFacet(p, null);
  const parseMs = performance.now() - t0;
  t0 = performance.now();
  for (const p of payloads) payloadHash(p);
  const hashMs = performance.now() - t0;
  return { MBPerSec: mb(bytes) / (parseMs / 1000), hashMBPerSec: mb(bytes) / (hashMs / 1000) };
}

/** The same rows into a scratch copy of talent_embeddings, once as prepared-statement binary, once hex-inlined by query(). */
async function compareWriteModes(ctx: CommandContext, dim: number, n: number): Promise<BackfillBenchResult['writeModes']> {
  const pool = ctx.db.pool;
  await pool.query('CREATE TABLE bench_write LIKE talent_embeddings');
  try {
    const v = packVectors(Array.from({ length: 6 }, () => new Float32Array(dim).fill(0.5)));
    const per = 20;
    const sqlFor = (k: number) => `INSERT INTO bench_write (talent_user_id, vectors, facet_mask, facet_dims, vectors_hash, model, source) VALUES ${Array(k).fill('(?,?,?,?,?,?,?)').join(',')}`;
    const params = (from: number, k: number) => Array.from({ length: k }, (_, i) => [from + i, v.blob, v.mask, formatDims(v.dims), v.hash, 'bench', 'text']).flat();
    let t0 = performance.now();
    for (let i = 0; i < n; i += per) await pool.execute(sqlFor(per), params(i, per));
    const executeMs = Math.round(performance.now() - t0);
    await pool.query('TRUNCATE bench_write');
    t0 = performance.now();
    for (let i = 0; i < n; i += per) await pool.query(sqlFor(per), params(i, per));
    const queryHexMs = Math.round(performance.now() - t0);
    return { executeMs, queryHexMs, rows: n };
  } finally {
    await pool.query('DROP TABLE bench_write');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [talents, jobs, dim] = process.argv.slice(2).map(Number);
  const r = await runBackfillBench({ talents: talents || undefined, jobs: jobs || undefined, dim: dim || undefined });
  console.log(JSON.stringify(r, null, 2));
}
