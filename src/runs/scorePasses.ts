import type { Pool } from '../store/sql.js';
import { allocBlock, trimBlock, type BlobSkips } from '../engine/embeddingBlock.js';
import { addEngineStats, type EngineFactory, type EngineLike, type EngineSettings, type EngineStats } from '../engine/enginePort.js';
import { HASH_BYTES, type SideSnapshot } from '../engine/snapshotCodec.js';
import { concatLists, emptyLists, type SubjectLists } from '../engine/SubjectLists.js';
import type { EmbeddingBlock } from '../engine/types.js';
import { VectorReader } from '../store/vectorReader.js';
import type { VectorSource } from '../vectors/MemoryVectors.js';

/** The entities at `indexes` of a snapshot side, as a snapshot of their own. */
export function subset(side: SideSnapshot, indexes: readonly number[]): SideSnapshot {
  const ids = new Float64Array(indexes.length);
  const hashes = new Uint8Array(indexes.length * HASH_BYTES);
  indexes.forEach((i, k) => {
    ids[k] = side.ids[i];
    hashes.set(side.hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES), k * HASH_BYTES);
  });
  return { ids, hashes };
}

export interface PassContext {
  pool: Pool;
  factory: EngineFactory;
  settings: EngineSettings;
  skips: BlobSkips;
  signal: AbortSignal;
  timings: { readMs: number; computeMs: number };
  /** Vectors loaded, by where they came from (an increment reports them). */
  vectorsRead?: { db: number; cache: number };
  /** Where vectors come from besides the database, per side (incremental runs: --vector-cache, a watcher's job vectors in memory). */
  caches?: { talent: VectorSource | null; job: VectorSource | null };
  /** The candidate pass, summed over every block of every pass. */
  engine?: EngineStats;
}

/** Reads entities [from, to) of `snap` into `block`, through the side's cache when there is one, counting where vectors came from. */
async function readInto(c: PassContext, side: 'talent' | 'job', snap: SideSnapshot, from: number, to: number, block: EmbeddingBlock): Promise<void> {
  const reader = new VectorReader(c.pool, side, c.settings.dims, c.skips, 8, c.caches?.[side] ?? null);
  await reader.read(snap, from, to, block);
  if (c.vectorsRead) {
    c.vectorsRead.cache += reader.stats.fromCache;
    c.vectorsRead.db += to - from - reader.stats.fromCache;
  }
}

export async function readAll(c: PassContext, side: 'talent' | 'job', snap: SideSnapshot): Promise<EmbeddingBlock> {
  const t0 = performance.now();
  const block = allocBlock(snap.ids.length, c.settings.dims);
  await readInto(c, side, snap, 0, snap.ids.length, block);
  c.timings.readMs += performance.now() - t0;
  return trimBlock(block);
}

/**
 * Below this many rows on either side of a pass, `--kernel auto` runs fp32: int8
 * quantises every row of both sides and gains only on the rows × rows multiply
 * (measured at 5k × 1.25k: quantising the talents of a 13-posting pass took
 * longer than scoring them), and the kernel need not be measured at all.
 */
export const INT8_MIN_PASS_ROWS = 2048;

/** An engine scoring `talentRows` talents against `jobs` (handed over to it). Results do not depend on the kernel, only the time. */
export async function engineFor(c: PassContext, jobs: EmbeddingBlock, talentRows: number): Promise<EngineLike> {
  const small = Math.min(jobs.rows, talentRows) < INT8_MIN_PASS_ROWS;
  const settings: EngineSettings =
    small && (c.settings.kernel === 'auto' || c.settings.kernel === undefined)
      ? { ...c.settings, kernel: 'fp32', kernelWhy: `auto: fp32 for a pass of ${talentRows} talents × ${jobs.rows} postings (int8 pays only when both sides have ${INT8_MIN_PASS_ROWS}+ rows)` }
      : c.settings;
  const engine = await c.factory.create(settings);
  await engine.setJobs(jobs);
  return engine;
}

/**
 * Streams `talents` through `engine` in blocks (the next block read while one is
 * scored): every talent's list against the engine's jobs, and the entries these
 * talents added to the engine's job lists, block by block (merge with mergeLists).
 */
export async function scoreTalents(c: PassContext, engine: EngineLike, talents: SideSnapshot, blockRows: number): Promise<{ t2j: SubjectLists; j2tParts: SubjectLists[] }> {
  const t2j: SubjectLists[] = [];
  const j2tParts: SubjectLists[] = [];
  const read = async (from: number) => {
    const t0 = performance.now();
    const to = Math.min(talents.ids.length, from + blockRows);
    const block = allocBlock(to - from, c.settings.dims);
    await readInto(c, 'talent', talents, from, to, block);
    c.timings.readMs += performance.now() - t0;
    return trimBlock(block);
  };
  let next: Promise<EmbeddingBlock> | null = talents.ids.length ? read(0) : null;
  for (let from = 0; next; from += blockRows) {
    const block = await next;
    next = from + blockRows < talents.ids.length ? read(from + blockRows) : null;
    next?.catch(() => undefined);
    c.signal.throwIfAborted();
    if (!block.rows) continue;
    const t0 = performance.now();
    const out = await engine.processBlock(block);
    c.timings.computeMs += performance.now() - t0;
    c.engine = addEngineStats(c.engine, out.stats);
    t2j.push(out.t2j);
    j2tParts.push(out.j2tDiff);
  }
  return { t2j: t2j.length ? concatLists(t2j) : emptyLists(), j2tParts };
}
