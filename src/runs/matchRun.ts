import { quietly } from '../cleanup.js';
import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { DEFAULT_RETRY, withRetry } from '../db/retry.js';
import { InterruptedError, isStop } from '../errors.js';
import { defaultEngineFactory } from '../engine/defaultEngine.js';
import { resolveEligibility } from '../engine/eligibility.js';
import type { EngineFactory } from '../engine/enginePort.js';
import type { MemoryVectors } from '../vectors/MemoryVectors.js';
import { holdPoint } from '../holdPoint.js';
import { assertMigrated } from '../migrate/migrator.js';
import { statementBudget } from '../store/writeEmbeddings.js';
import { chooseWritePath, ResultWriter } from '../store/resultWriter.js';
import { hasSucceeded, transition } from '../store/runLifecycle.js';
import { recordStop } from './recordedRun.js';
import { runBlocks, type FullRun } from '../store/runStore.js';
import { pruneBookkeeping, shardLockPurpose } from './cleanupRuns.js';
import { loadSnapshot, type RunSettings } from './createRun.js';
import { incrementalMatch } from './incrementalMatch.js';
import { matchSummaryLine, type MatchSummary } from './matchSummary.js';
import { oneProcessRun } from './oneProcessRun.js';
import { publishRun } from './publishRun.js';
import { runShard, type ShardResult } from './runShard.js';
import { sharedRun } from './sharedRun.js';
import type { ShardSpec } from './shardSpec.js';
import { closeVectorCaches, openVectorCaches, type VectorCaches } from '../vectors/vectorCaches.js';

/** A match run's options, already validated (see commands/match.ts). */
export interface MatchRunOptions {
  /** false: compute and stage, leave match_results as it is (`fitmatch publish` can publish it later). */
  publish?: boolean;
  /** Continue the newest one-process run that stopped before publishing. */
  resume?: boolean;
  /** Bring the published set up to date with what changed since its run, or fall back to a full run. */
  incremental?: boolean;
  /** This process's part of a run shared by several (needs runKey). */
  shard?: ShardSpec;
  /** Names a run that several processes share. */
  runKey?: string;
  /** Publish even if the new set is much smaller than the published one. */
  allowShrink?: boolean;
  /** Publish even a set with no match at all. */
  allowEmpty?: boolean;
  /** Talents per block (default: sized from --memory). */
  blockRows?: number;
  /** Seconds one RENAME attempt may wait for readers' open transactions. */
  lockWaitSeconds?: number;
  publishAttempts?: number;
  /** The compute engine; tests may pass an in-process or reference one. */
  engine?: EngineFactory;
  /** Incremental runs of a long-lived process (watch): its job vectors, kept in memory between runs. */
  warmJobs?: MemoryVectors;
}

/** Shared runs may wait this long for another publisher, rollback or incremental run to finish. */
const PUBLISH_LOCK_WAIT_SECONDS = 120;

/**
 * A full run: the exact top-k in both directions. One process (the default)
 * holds the match lock for the whole run; with a shard and a run key, N
 * processes share one run and the last to finish publishes. Either way the run
 * is cut into blocks whose output is durable before they are marked done, so a
 * killed process re-run (or resume) continues where it stopped. With
 * incremental, the published set is brought up to date instead when it can be.
 */
export async function matchRun(opts: MatchRunOptions, ctx: CommandContext): Promise<MatchSummary> {
  // A retry continues this attempt's own run (its finished blocks stay), never an older one.
  const mine: { runId: number | null } = { runId: null };
  const policy = { ...DEFAULT_RETRY, retries: ctx.config.retries };
  return withRetry('match', () => matchAttempt(opts, ctx, mine), { policy, log: ctx.log, signal: ctx.signal });
}

async function matchAttempt(opts: MatchRunOptions, ctx: CommandContext, mine: { runId: number | null }): Promise<MatchSummary> {
  const { db, log, clock, config } = ctx;
  await assertMigrated(db);
  const shard = opts.shard ?? { index: 0, count: 1 };
  const shared = opts.runKey !== undefined;
  const lost = new AbortController();
  const signal = AbortSignal.any([ctx.signal, lost.signal]);
  const onLost = (e: Error) => lost.abort(e);
  const t0 = performance.now();

  const matchLock = shared ? null : await acquireLock(db, 'match', { waitSeconds: Math.ceil(config.waitLock / 1000), log, holder: 'another fitmatch match, incremental run or rollback on this database', onLost });
  let run: FullRun | null = null;
  try {
    const write = await chooseWritePath(db.pool, config.writeMode);
    const statementBytes = Math.min(4 * 2 ** 20, statementBudget(write.maxAllowedPacket));
    const settings: RunSettings = {
      topK: config.topK,
      reserve: config.reserve,
      weights: config.weights,
      memoryBytes: config.memory,
      eligibility: resolveEligibility(config, clock.now()),
      blockRows: opts.blockRows,
      writeMode: write.path,
    };
    if (opts.incremental && matchLock) {
      const inc = await incrementalMatch(ctx, { settings, lock: matchLock, signal, write, statementBytes, allowEmpty: !!opts.allowEmpty, engine: opts.engine, warmJobs: opts.warmJobs });
      if (inc) return inc;
    }
    run = matchLock ? await oneProcessRun(ctx, settings, opts.resume ? 'latest' : mine.runId, statementBytes) : await sharedRun(ctx, settings, opts.runKey!, shard.count, statementBytes);
    if (matchLock) mine.runId = run.id;
    const where = shared ? `shard ${shard.index}/${shard.count} of run ${run.id} ("${run.runKey}")` : `run ${run.id}`;
    if (hasSucceeded(run.status)) {
      log.info(`${where}: the run is published already; nothing to do`);
      return summaryOf(run, shard, null, null, t0);
    }
    const p = run.params;
    log.info(`match ${where}: ${p.talents} talents × ${p.jobs} job postings, top ${p.topK} (+${p.reserve} kept for incremental runs), eligibility as of ${p.eligibility.today} (${p.eligibility.timezone}), blocks of ${p.blockRows}`);

    const snapshot = await loadSnapshot(db, run.id);
    const writer = () => new ResultWriter(db.pool, `match_results_r${run!.id}`, write.path, write.maxAllowedPacket);
    const shardLock = await acquireLock(db, shardLockPurpose(run.id, shard.index), {
      holder: `another process working on shard ${shard.index}/${shard.count} of run ${run.id}`,
      onLost,
    });
    let work: ShardResult;
    let caches: VectorCaches | undefined;
    try {
      caches = config.vectorCache ? await openVectorCaches(db, config.vectorCache, log) : undefined;
      work = await runShard({ db, log, signal, run, shard: shard.index, snapshot, factory: opts.engine ?? defaultEngineFactory, threads: config.threads, kernel: config.kernel, lock: shardLock, writer, statementBytes, caches });
    } finally {
      await closeVectorCaches(caches, log);
      await shardLock.release();
    }
    const waiting = [...new Set((await runBlocks(db.pool, run.id)).filter((b) => b.state === 'pending').map((b) => b.shard))];
    if (waiting.length) {
      const summary = summaryOf(run, shard, work, null, t0);
      log.event('match_shard_summary', { ...summary }, `${where}: this shard is done; the run waits for shard(s) ${waiting.join(', ')} of ${shard.count} (it publishes when the last one finishes)`);
      return summary;
    }
    await holdPoint('before_publish', log, signal);
    const lock = matchLock ?? (await acquireLock(db, 'match', { waitSeconds: PUBLISH_LOCK_WAIT_SECONDS, holder: 'another fitmatch match, incremental run or rollback (publish later with `fitmatch publish --run-key KEY`)', onLost }));
    try {
      const published = await publishRun({
        db, log, signal, clock, run, snapshot, matchLock: lock, writer, statementBytes,
        publish: opts.publish !== false,
        allowShrink: !!opts.allowShrink,
        allowEmpty: !!opts.allowEmpty,
        maxShrink: config.maxShrink,
        lockWaitSeconds: opts.lockWaitSeconds ?? 5,
        publishAttempts: opts.publishAttempts ?? 5,
        workTimings: { ...work.timings, totalMs: performance.now() - t0 },
      });
      const summary = summaryOf({ ...run, counts: published.counts }, shard, work, published, t0);
      if (published.published && !published.publishedNow) {
        log.event('match_shard_summary', { ...summary }, `${where}: another shard published the run a moment ago; nothing left to do`);
        return summary;
      }
      if (published.published) await quietly(log, 'prune old runs', () => pruneBookkeeping(db.pool));
      if (!published.published) {
        await transition(db.pool, clock, run.id, 'stage');
        log.info(`run ${run.id} is computed and staged, not published (--no-publish): publish it with \`fitmatch publish --run-id ${run.id}\``);
      }
      log.event('match_summary', { ...summary }, matchSummaryLine(summary));
      return summary;
    } finally {
      if (!matchLock) await lock.release();
    }
  } catch (e) {
    const stopped = isStop(e, ctx.signal);
    if (run && !shared) {
      await recordStop({ pool: db.pool, clock, log, signal: ctx.signal }, run.id, e);
    }
    if (stopped) {
      throw new InterruptedError(
        'match',
        `nothing was published; match_results is unchanged.${run ? ` The finished blocks of run ${run.id} stay: ${shared ? 'run the same command again' : '`fitmatch match --resume`'} continues it` : ''}`,
      );
    }
    throw e;
  } finally {
    await matchLock?.release();
  }
}

function summaryOf(run: FullRun, shard: ShardSpec, work: ShardResult | null, published: { published: boolean; timings: Record<string, number> } | null, t0: number): MatchSummary {
  const p = run.params;
  return {
    runId: run.id,
    runKey: run.runKey,
    shard,
    published: published?.published ?? hasSucceeded(run.status),
    dims: p.dims,
    plan: { blockRows: p.blockRows, talentBlockRows: p.talentBlockRows, jobChunkRows: p.jobChunkRows, blocksDone: work?.blocksDone ?? 0, blocksAlreadyDone: work?.blocksAlreadyDone ?? 0 },
    params: { topK: p.topK, reserve: p.reserve, weights: p.weights, eligibility: p.eligibility },
    counts: run.counts ?? {},
    timings: { ...(work?.timings ?? {}), ...(published?.timings ?? {}), totalMs: performance.now() - t0 },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuMs: cpuMs(),
    engine: work?.engine,
  };
}

/** CPU time of this process so far, all threads. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
