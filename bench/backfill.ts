/**
 * Backfill benchmark (issue 26), one sitting: a fresh database with the app
 * schema and a FitConnect-shaped dataset from `fitmatch seed` (6 × dim facets in
 * the app's JSON form, with its usual share of dirty rows), then
 *   - the floor: one read and parse of every payload, and one write of as many rows;
 *   - a first backfill, a no-op re-run and a --full one;
 *   - one changed row, and 1% of rows changed (medians of several rounds);
 *   - `fitmatch run --incremental` after one changed talent (a process, start included).
 *   npx tsx bench/backfill.ts [talents] [jobs] [dim]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RowDataPacket } from 'mysql2/promise';
import { parseAnyLength } from '../src/backfill/parsePayload.js';
import type { BackfillSummary } from '../src/backfill/summary.js';
import { systemClock, fixedClock } from '../src/clock.js';
import { backfill } from '../src/commands/backfill.js';
import { seed } from '../src/commands/seed.js';
import type { CommandContext } from '../src/context.js';
import { createLogger } from '../src/log.js';
import type { EmbeddingTable } from '../src/store/embeddingTables.js';
import { readPayloads } from '../src/store/matchingVectors.js';
import { maxAllowedPacket, statementBudget, writeBatch, type EmbeddingRow } from '../src/store/writeEmbeddings.js';
import { packVectors } from '../src/vectors/packedVectors.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/testDb.js';
import { cpuInfo } from './machine.js';

export interface BackfillBenchOptions {
  talents?: number;
  jobs?: number;
  companies?: number;
  dim?: number;
  /** Rounds of the one-row and 1% measurements (medians). */
  rounds?: number;
  /** Also time `fitmatch run --incremental` (needs a full run first). */
  run?: boolean;
  print?: (line: string) => void;
}

const mb = (b: number) => b / 2 ** 20;
const sec = (ms: number) => ms / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (s: number) => `${s.toFixed(s < 10 ? 2 : 1)} s`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

export async function runBackfillBench(opts: BackfillBenchOptions = {}) {
  const print = opts.print ?? ((l: string) => console.log(l));
  const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const o = { talents: 20_000, jobs: 5_000, companies: 500, dim: 1536, rounds: 5, run: true, ...defined } as Required<BackfillBenchOptions>;
  const cpu = cpuInfo();
  const t = await createTestDatabase('bench_backfill');
  const quiet = createLogger({ format: 'json', write: () => {} });
  const ctx: CommandContext = { db: t.db, clock: systemClock, log: quiet, config: t.config, signal: new AbortController().signal };
  const bf = async (extra: Partial<Parameters<typeof backfill>[0]> = {}) => {
    const t0 = performance.now();
    const s = await backfill({ source: 'matching_vectors', ...extra }, ctx);
    return { seconds: sec(performance.now() - t0), s };
  };
  try {
    print(`${cpu.model}, ${cpu.cores} cores; load average at start ${load()}`);
    let t0 = performance.now();
    await seed({ talents: o.talents, jobs: o.jobs, companies: o.companies, dim: o.dim, force: true }, { ...ctx, clock: fixedClock('2026-01-01T00:00:00Z') });
    print(`seeded ${o.talents} talents, ${o.jobs} postings at 6 × ${o.dim} in ${fmt(sec(performance.now() - t0))}`);
    const [[stats]] = await t.db.pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, SUM(${['roles', 'skills', 'growth', 'career', 'vision', 'culture'].map((f) => `COALESCE(LENGTH(vector_${f}),0)`).join('+')}) AS bytes FROM matching_vectors`,
    );
    const rows = Number(stats.n);
    const jsonMB = mb(Number(stats.bytes));
    print(`matching_vectors: ${rows} rows, ${jsonMB.toFixed(0)} MB of JSON (${(Number(stats.bytes) / rows / 1024).toFixed(0)} KB/row)`);

    const floor = await readParseFloor(t, 100);
    print(`floor, read + parse every payload once (pages of 100, no write): ${fmt(floor.seconds)} (read ${fmt(floor.readSeconds)}, parse ${fmt(floor.parseSeconds)})`);
    const write = await writeFloor(t, floor.entities, o.dim, 100);
    print(`floor, write ${write.rows} rows of 6 × ${o.dim} float32 (batches of 100): ${fmt(write.seconds)}`);
    const floorAll = floor.seconds + write.seconds;

    const first = await bf();
    print(`first backfill (empty tables): ${fmt(first.seconds)}, ${(jsonMB / first.seconds).toFixed(0)} MB/s of JSON; ${split(first.s)}`);
    const noop = await bf();
    print(`no-op re-run: ${fmt(noop.seconds)}; ${split(noop.s)}`);
    const full = await bf({ full: true });
    print(`backfill --full: ${fmt(full.seconds)}; ${split(full.s)}`);

    const talentRows = (await t.exec(`SELECT id FROM matching_vectors WHERE role = 'talent' ORDER BY id`)) as { id: number }[];
    const pick = (count: number, round: number) => Array.from({ length: count }, (_, i) => talentRows[(round * 7919 + Math.floor((i * talentRows.length) / count)) % talentRows.length].id);
    const changeRows = (ids: number[], round: number) =>
      t.db.pool.query(`UPDATE matching_vectors SET vector_roles = ${round % 2 ? 'vector_culture' : 'vector_career'}, updated_at = ? WHERE id IN (?)`, [new Date(Date.UTC(2026, 1, 1, 0, 0, round)), ids]);
    const one: number[] = [];
    const onePct: number[] = [];
    let lastOne: BackfillSummary | undefined;
    let lastPct: BackfillSummary | undefined;
    for (let r = 0; r < o.rounds; r++) {
      await changeRows(pick(1, r), r + 1);
      const b = await bf();
      one.push(b.seconds);
      lastOne = b.s;
    }
    print(`one changed row: median ${fmt(median(one))} of ${one.length} (${one.map((x) => x.toFixed(2)).join(', ')}); last: ${split(lastOne!)}`);
    const pctCount = Math.max(1, Math.round(rows / 100));
    for (let r = 0; r < Math.max(1, Math.ceil(o.rounds / 2)); r++) {
      await changeRows(pick(pctCount, r + 100), r + 100);
      const b = await bf();
      onePct.push(b.seconds);
      lastPct = b.s;
    }
    print(`1% of rows changed (${pctCount}): median ${fmt(median(onePct))} of ${onePct.length} (${onePct.map((x) => x.toFixed(2)).join(', ')}); last: ${split(lastPct!)}`);

    let runIncremental: { seconds: number[]; median: number } | undefined;
    if (o.run) {
      t0 = performance.now();
      await fitmatch(t.url, ['run']);
      print(`fitmatch run (backfill + full match, the base): ${fmt(sec(performance.now() - t0))}`);
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        await changeRows(pick(1, r + 200), r + 200);
        t0 = performance.now();
        await fitmatch(t.url, ['run', '--incremental']);
        times.push(sec(performance.now() - t0));
      }
      runIncremental = { seconds: times, median: median(times) };
      print(`fitmatch run --incremental after one changed talent (a process): median ${fmt(runIncremental.median)} of 3 (${times.map((x) => x.toFixed(2)).join(', ')})`);
    }

    const ratios = {
      oneRowOverFull: median(one) / full.seconds,
      onePctOverFull: median(onePct) / full.seconds,
      fullOverReadParseWrite: full.seconds / floorAll,
      firstOverReadParseWrite: first.seconds / floorAll,
      fullOverReadParse: full.seconds / floor.seconds,
    };
    print(
      `same sitting: one row / --full = ${ratios.oneRowOverFull.toFixed(3)} (target ≤ 0.05); 1% / --full = ${ratios.onePctOverFull.toFixed(3)}; ` +
        `--full / (read + parse + write) = ${ratios.fullOverReadParseWrite.toFixed(2)} (target ≤ 1.2), first / (read + parse + write) = ${ratios.firstOverReadParseWrite.toFixed(2)}; --full / (read + parse) = ${ratios.fullOverReadParse.toFixed(2)}`,
    );
    print(`load average at end ${load()} (${cpu.cores} cores)`);
    return {
      cpu: cpu.model,
      loadAverage: loadavg(),
      rows,
      jsonMB,
      floor: { ...floor, writeSeconds: write.seconds, readParseWriteSeconds: floorAll },
      first: { seconds: first.seconds, timingsMs: first.s.timingsMs },
      noop: { seconds: noop.seconds, timingsMs: noop.s.timingsMs },
      full: { seconds: full.seconds, timingsMs: full.s.timingsMs },
      oneRow: { seconds: one, median: median(one) },
      onePercent: { rows: pctCount, seconds: onePct, median: median(onePct) },
      runIncremental,
      ratios,
    };
  } finally {
    await t.drop();
  }
}

const split = (s: BackfillSummary) =>
  `${s.rowsMeasured ?? 0} rows measured, ${s.entity.talents.inserted + s.entity.jobs.inserted} inserted, ${s.entity.talents.updated + s.entity.jobs.updated} updated` +
  `${s.revisited ? `, ${s.revisited.entities} revisited` : ''}; ms ${JSON.stringify(s.timingsMs)}`;

/** Every payload read (pages of `page` ids in id order) and parsed once, as the backfill parses it; nothing written. */
async function readParseFloor(t: TestDatabase, page: number) {
  const ids = ((await t.exec('SELECT id FROM matching_vectors ORDER BY id')) as { id: number }[]).map((r) => Number(r.id));
  let readMs = 0;
  let parseMs = 0;
  let entities = 0;
  for (let i = 0; i < ids.length; i += page) {
    let t0 = performance.now();
    const rows = await readPayloads(t.db, ids.slice(i, i + page));
    readMs += performance.now() - t0;
    t0 = performance.now();
    for (const r of rows) {
      if (r.payloads.some((p) => p !== null)) entities++;
      for (const p of r.payloads) parseAnyLength(p);
    }
    parseMs += performance.now() - t0;
  }
  return { seconds: sec(readMs + parseMs), readSeconds: sec(readMs), parseSeconds: sec(parseMs), entities };
}

/** `n` rows of six full facets written as the backfill writes them, into a scratch copy of talent_embeddings. */
async function writeFloor(t: TestDatabase, n: number, dim: number, batch: number) {
  await t.exec('CREATE TABLE bench_write LIKE talent_embeddings');
  try {
    const table = { kind: 'talent', name: 'bench_write', key: 'talent_user_id' } as unknown as EmbeddingTable;
    const budget = statementBudget(await maxAllowedPacket(t.db));
    const vectors = packVectors(Array.from({ length: 6 }, (_, f) => new Float32Array(dim).fill(1 / Math.sqrt(dim) + f * 1e-6)));
    const hashes = Array.from({ length: 6 }, (_, f) => `${f}`.repeat(64));
    const t0 = performance.now();
    for (let i = 0; i < n; i += batch) {
      const upserts: EmbeddingRow[] = Array.from({ length: Math.min(batch, n - i) }, (_, j) => ({
        key: i + j + 1, vectors, hashes, model: 'bench', source: 'matching_vectors', sourceRowId: i + j + 1, sourceUpdatedAt: new Date(0),
      }));
      await writeBatch(t.db, table, { upserts, deletes: [] }, budget);
    }
    return { rows: n, seconds: sec(performance.now() - t0) };
  } finally {
    await t.exec('DROP TABLE bench_write');
  }
}

/** `fitmatch <args>` as a process against the bench database; rejects on a non-zero exit. */
function fitmatch(url: string, args: string[]): Promise<void> {
  const bin = fileURLToPath(new URL('../bin/fitmatch', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fitmatch ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [talents, jobs, dim] = process.argv.slice(2).map(Number);
  const r = await runBackfillBench({ talents: talents || undefined, jobs: jobs || undefined, dim: dim || undefined });
  console.log(JSON.stringify(r, null, 2));
}
