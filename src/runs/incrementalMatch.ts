import { quietly } from '../cleanup.js';
import type { CommandContext } from '../context.js';
import { lockName, type HeldLock } from '../db/advisoryLock.js';
import { LockedError } from '../errors.js';
import { defaultEngineFactory } from '../engine/defaultEngine.js';
import type { EngineFactory } from '../engine/enginePort.js';
import type { MemoryVectors } from '../vectors/MemoryVectors.js';
import type { WritePath } from '../store/resultWriter.js';
import { activeSharedRuns } from '../store/runStore.js';
import { pruneBookkeeping, shardLockPurpose, shardsAlive } from './cleanupRuns.js';
import type { RunSettings } from './createRun.js';
import { matchSummaryLine, type MatchSummary } from './matchSummary.js';
import { runIncremental } from './runIncremental.js';

export interface IncrementalMatchOptions {
  settings: RunSettings;
  lock: HeldLock;
  signal: AbortSignal;
  write: { path: WritePath; maxAllowedPacket: number };
  statementBytes: number;
  allowEmpty: boolean;
  engine?: EngineFactory;
  /** A long-lived process's job vectors, kept between its runs (watch). */
  warmJobs?: MemoryVectors;
}

/** The incremental run and its summary, or null (logged) when it has to fall back to a full run. */
export async function incrementalMatch(ctx: CommandContext, o: IncrementalMatchOptions): Promise<MatchSummary | null> {
  const { db, log, clock, config } = ctx;
  const s = o.settings;
  const busy = await liveSharedRun(db);
  if (busy !== null) throw new LockedError(lockName(db.settings.database, shardLockPurpose(busy, 0)), `shard processes of run ${busy}`);
  const t0 = performance.now();
  const r = await runIncremental({
    db, log, signal: o.signal, clock, matchLock: o.lock, factory: o.engine ?? defaultEngineFactory, warmJobs: o.warmJobs, write: o.write, statementBytes: o.statementBytes, allowEmpty: o.allowEmpty,
    settings: { topK: s.topK, reserve: s.reserve, weights: s.weights, eligibility: s.eligibility, memoryBytes: s.memoryBytes, threads: config.threads, maxChange: config.maxChange, vectorCache: config.vectorCache, kernel: config.kernel },
  });
  if ('fallback' in r) {
    log.warn(`incremental run not possible: ${r.fallback}; running a full run instead`);
    return null;
  }
  if ('unchangedSince' in r) {
    const unchanged: MatchSummary = {
      runId: r.unchangedSince, runKey: null, shard: { index: 0, count: 1 }, published: false, dims: [],
      plan: { blockRows: 0, talentBlockRows: 0, jobChunkRows: 0, blocksDone: 0, blocksAlreadyDone: 0 },
      params: { incremental: true, topK: s.topK, reserve: s.reserve, weights: s.weights, eligibility: s.eligibility },
      counts: { unchanged: true }, timings: { totalMs: performance.now() - t0 },
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    log.event('match_unchanged', { ...unchanged }, `incremental run: nothing changed since the published run ${r.unchangedSince}; no run recorded, nothing published`);
    return unchanged;
  }
  const summary: MatchSummary = {
    runId: r.runId, runKey: null, shard: { index: 0, count: 1 }, published: true, dims: [],
    plan: { blockRows: 0, talentBlockRows: 0, jobChunkRows: 0, blocksDone: 0, blocksAlreadyDone: 0 },
    params: { incremental: true, topK: s.topK, reserve: s.reserve, weights: s.weights, eligibility: s.eligibility },
    counts: r.counts, timings: { ...r.timings, totalMs: performance.now() - t0 },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  log.event('match_summary', { ...summary }, matchSummaryLine(summary));
  await quietly(log, 'prune old runs', () => pruneBookkeeping(db.pool));
  return summary;
}

/** A shared run some shard is working on right now, if any: an incremental run must not overlap a full one. */
async function liveSharedRun(db: CommandContext['db']): Promise<number | null> {
  for (const r of await activeSharedRuns(db.pool)) if (await shardsAlive(db.pool, db.settings.database, r.id, r.shards)) return r.id;
  return null;
}
