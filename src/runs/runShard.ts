import { createProgress, withPhaseBar, type Progress } from '../progress.js';
import type { Db } from '../db/connect.js';
import type { HeldLock } from '../db/advisoryLock.js';
import type { Logger } from '../log.js';
import { holdPoint } from '../holdPoint.js';
import { allocBlock, emptySkips, trimBlock, type BlobSkips } from '../engine/embeddingBlock.js';
import { addEngineStats, type EngineFactory, type EngineLike, type EngineSettings, type EngineStats } from '../engine/enginePort.js';
import { writeLists } from '../store/listStore.js';
import { rowsFromLists } from '../engine/listRows.js';
import { clearStagedTalents, staging } from '../store/resultTables.js';
import type { ResultWriter } from '../store/resultWriter.js';
import { markBlockDone, readParts, recordJobSide, runBlocks, type BlockRow, type RunRow } from '../store/runStore.js';
import type { RunSnapshot } from '../engine/snapshotCodec.js';
import { decodeLists, emptyLists, encodeLists, type SubjectLists } from '../engine/SubjectLists.js';
import { VectorReader, type ReadStats } from '../store/vectorReader.js';
import type { VectorCaches } from '../vectors/vectorCaches.js';

export interface ShardInput {
  db: Db;
  log: Logger;
  signal: AbortSignal;
  run: RunRow;
  shard: number;
  snapshot: RunSnapshot;
  factory: EngineFactory;
  threads: number;
  /** The candidate kernel (results do not depend on it). */
  kernel?: EngineSettings['kernel'];
  /** The shard's lock: checked before every write. */
  lock: HeldLock;
  writer: () => ResultWriter;
  /** Bytes per statement for list rows and staged parts (under max_allowed_packet). */
  statementBytes: number;
  readConnections?: number;
  /** Local vector caches (--vector-cache): rows whose cached bytes hash to the snapshot's vectors_hash are read from them. */
  caches?: VectorCaches;
}

export interface ShardResult {
  blocksDone: number;
  blocksAlreadyDone: number;
  talents: number;
  rowsTalentToJob: number;
  jobSide: { read: number; unusable: number; changed: number } | null;
  timings: { jobsReadMs: number; readMs: number; computeMs: number; persistMs: number; waitMs: number; totalMs: number };
  /** The engine's candidate pass, summed over this process's blocks. */
  engine?: EngineStats;
}

/** What a block's reading and scoring found; summed over blocks at publish. */
export interface BlockStats extends ReadStats {
  wrongDim: number[];
  invalid: number[];
  corrupt: number;
  talentsWithMatch: number;
  rows: number;
}

const now = () => performance.now();

/**
 * Does one shard's pending blocks of a run: reads the jobs once, then per block
 * reads its talents, scores them in the engine thread, writes the talents' rows
 * and lists to the run's staging tables and marks the block done together with
 * the entries it added to job lists. The next block is read and scored while
 * this one is written. Blocks a crashed attempt finished are not redone: their
 * job-list entries seed the engine instead.
 */
export async function runShard(p: ShardInput): Promise<ShardResult> {
  const t0 = now();
  const t = { jobsReadMs: 0, readMs: 0, computeMs: 0, persistMs: 0, waitMs: 0, totalMs: 0 };
  const blocks = await runBlocks(p.db.pool, p.run.id, p.shard);
  const pending = blocks.filter((b) => b.state === 'pending');
  const result: ShardResult = { blocksDone: 0, blocksAlreadyDone: blocks.length - pending.length, talents: 0, rowsTalentToJob: 0, jobSide: null, timings: t };
  if (!pending.length) return result;
  const { params } = p.run;
  const dims = params.dims;
  const checkStop = () => p.signal.throwIfAborted();

  const jobSkips = emptySkips();
  const jobReader = new VectorReader(p.db.pool, 'job', dims, jobSkips, p.readConnections, p.caches?.job ?? null);
  const jobs = allocBlock(p.snapshot.jobs.ids.length, dims);
  let s = now();
  await withPhaseBar(p.log, `match run ${p.run.id}: reading ${p.snapshot.jobs.ids.length} job postings`, () => jobReader.read(p.snapshot.jobs, 0, p.snapshot.jobs.ids.length, jobs));
  t.jobsReadMs = now() - s;
  result.jobSide = { ...jobReader.stats };
  await recordJobSide(p.db.pool, p.run.id, result.jobSide);
  checkStop();

  const scorable = jobs.rows > 0 && dims.some((d, f) => d > 0 && params.weights[f] > 0);
  const engine = scorable ? await p.factory.create({ ...params, threads: p.threads, kernel: p.kernel }) : noMatches;
  let bar: Progress | null = null;
  try {
    await engine.setJobs(trimBlock(jobs));
    await seedFromFinishedBlocks(p, engine, blocks);
    // Each block gets fresh arrays: the engine thread takes them over (transferred, not copied).
    const read = async (b: BlockRow) => {
      const buf = allocBlock(b.endPos - b.firstPos, dims);
      const skips = emptySkips();
      const reader = new VectorReader(p.db.pool, 'talent', dims, skips, p.readConnections, p.caches?.talent ?? null);
      const start = now();
      await reader.read(p.snapshot.talents, b.firstPos, b.endPos, buf);
      t.readMs += now() - start;
      return { block: b, talents: trimBlock(buf), reader, skips };
    };
    type Read = Awaited<ReturnType<typeof read>>;
    const compute = (r: Read) => {
      const start = now();
      return engine.processBlock(r.talents).then((out) => ({ ...r, out, ms: now() - start }));
    };

    bar = createProgress(p.log, { task: `match run ${p.run.id}${p.run.shards > 1 ? ` shard ${p.shard}` : ''}: blocks (read, compute, write)`, total: pending.length, unit: 'blocks', ttyOnly: true });
    let current = compute(await read(pending[0]));
    let prefetch: Promise<Read> | null = pending.length > 1 ? read(pending[1]) : null;
    for (let i = 0; i < pending.length; i++) {
      s = now();
      const done = await current;
      t.waitMs += now() - s;
      t.computeMs += done.ms;
      result.engine = addEngineStats(result.engine, done.out.stats);
      // Score block i+1, read block i+2, and meanwhile write block i.
      if (prefetch) {
        current = compute(await prefetch);
        prefetch = i + 2 < pending.length ? read(pending[i + 2]) : null;
        prefetch?.catch(() => undefined);
        current.catch(() => undefined);
      }
      s = now();
      result.rowsTalentToJob += await persistBlock(p, done.block, done.out.t2j, done.out.j2tDiff, blockStats(done.reader.stats, done.skips, done.out.t2j), done.ms);
      t.persistMs += now() - s;
      result.blocksDone++;
      result.talents += done.talents.rows;
      bar!.tick(1);
      p.log.event(
        'match_block',
        { runId: p.run.id, block: done.block.blockNo, shard: p.shard, talents: done.talents.rows, computeMs: Math.round(done.ms) },
        `block ${done.block.blockNo} done (shard ${p.shard}): ${done.talents.rows} talents, compute ${(done.ms / 1000).toFixed(1)}s`,
      );
      checkStop();
      await holdPoint('after_block', p.log, p.signal);
    }
  } finally {
    bar?.stop();
    await engine.close();
  }
  t.totalMs = now() - t0;
  return result;
}

/** No job, or no facet both sides can share: every list is empty. */
const noMatches: EngineLike = {
  setJobs: () => undefined,
  seedJobLists: () => undefined,
  processBlock: async () => ({ t2j: emptyLists(), j2tDiff: emptyLists() }),
  close: async () => undefined,
};

/** A resumed shard's job lists start from its finished blocks' entries, so those blocks are not scored again. */
async function seedFromFinishedBlocks(p: ShardInput, engine: EngineLike, blocks: BlockRow[]): Promise<void> {
  const finished = new Set(blocks.filter((b) => b.state === 'done').map((b) => b.blockNo));
  if (!finished.size) return;
  const parts = await readParts(p.db.pool, p.run.id, 'j2t');
  const mine = [...parts].filter(([b]) => finished.has(b)).map(([, data]) => decodeLists(data));
  // Entries of different blocks may list the same job: offered one list at a time.
  for (const lists of mine) await engine.seedJobLists(lists);
  p.log.info(`shard ${p.shard}: ${finished.size} block(s) already done by an earlier attempt; not recomputed (${[...finished].join(', ')})`);
}

/** Writes a block's rows and lists, then marks it done with its job-list entries; returns the rows written. */
async function persistBlock(p: ShardInput, block: BlockRow, t2j: SubjectLists, j2tDiff: SubjectLists, stats: BlockStats, computeMs: number): Promise<number> {
  const { run } = p;
  t2j.runIds.fill(run.id);
  t2j.computedAt.fill(run.startedAt.getTime());
  const rows = rowsFromLists('talent_to_job', t2j, run.params.topK);
  const [firstId, lastId] = [p.snapshot.talents.ids[block.firstPos], p.snapshot.talents.ids[block.endPos - 1]];
  await p.lock.assertHeld();
  // A crashed attempt at this block may have written some of its rows.
  await clearStagedTalents(p.db.pool, run.id, firstId, lastId);
  const writer = p.writer();
  await writer.write(rows);
  await writeLists(p.db.pool, staging('match_lists', run.id), 'talent_to_job', t2j, p.statementBytes);
  await writer.flush();
  const conn = await p.db.pool.getConnection();
  try {
    await p.lock.assertHeld();
    await markBlockDone(conn, run.id, { blockNo: block.blockNo, rowsWritten: rows.length, stats: { ...stats, rows: rows.length }, computeMs }, [{ kind: 'j2t', data: encodeLists(j2tDiff) }], p.statementBytes);
  } finally {
    conn.release();
  }
  return rows.length;
}

function blockStats(read: ReadStats, skips: BlobSkips, t2j: SubjectLists): BlockStats {
  return { ...read, wrongDim: skips.wrongDim, invalid: skips.invalid, corrupt: skips.corrupt, talentsWithMatch: t2j.subjectIds.length, rows: 0 };
}

/** Every finished block's job-list entries of a run, merged (publish). */
export async function allJobListEntries(db: Db, runId: number): Promise<SubjectLists[]> {
  const parts = await readParts(db.pool, runId, 'j2t');
  return [...parts.values()].map(decodeLists);
}
