import { quietly } from '../cleanup.js';
import type { CommandContext } from '../context.js';
import { acquireLock, lockName, type HeldLock } from '../db/advisoryLock.js';
import { DEFAULT_RETRY, withRetry } from '../db/retry.js';
import { ExitCode, FitmatchError, InterruptedError, isStop, LockedError } from '../errors.js';
import { abandonRun, findStaleRuns, orphanStaging, pruneBookkeeping, shardLockPurpose, shardsAlive } from '../runs/cleanupRuns.js';
import { runIncremental } from '../runs/runIncremental.js';
import { createRun, loadSnapshot, type RunSettings } from '../runs/createRun.js';
import { defaultEngineFactory } from '../engine/defaultEngine.js';
import { resolveEligibility } from '../engine/eligibility.js';
import type { EngineFactory } from '../engine/enginePort.js';
import { formatIncrementalSummary, formatMatchSummary, type MatchSummary } from '../runs/matchSummary.js';
import { publishRun } from '../runs/publishRun.js';
import { chooseWritePath, ResultWriter, type WritePath } from '../store/resultWriter.js';
import { latestResumable, runBlocks, runById, runByKey, type RunRow } from '../store/runStore.js';
import { runShard, type ShardResult } from '../runs/runShard.js';
import type { ShardSpec } from '../runs/shardSpec.js';
import { assertMigrated } from '../migrate/migrator.js';
import { ACTIVE, failDeadRuns, hasSucceeded, isPreparing, isResumable, isRunning, MATCH_KINDS, stopTransition, transition } from '../store/runLifecycle.js';
import { validateRunKey } from '../runs/runKey.js';
import { holdPoint } from '../holdPoint.js';
import { statementBudget } from '../backfill/writeEmbeddings.js';

export interface MatchOptions {
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
}

/** Shared runs may wait this long for another publisher, rollback or incremental run to finish. */
const PUBLISH_LOCK_WAIT_SECONDS = 120;
/** A shared run with no live shard and no progress for this long is abandoned by later runs. */
export const STALE_SHARED_RUN_MS = 48 * 3_600_000;

/**
 * A full run: the exact top-k in both directions. One process (the default)
 * holds the match lock for the whole run; with --shard I/N --run-key KEY, N
 * processes share one run and the last to finish publishes. Either way the run
 * is cut into blocks whose output is durable before they are marked done, so a
 * killed process re-run (or --resume) continues where it stopped.
 */
export async function match(opts: MatchOptions, ctx: CommandContext): Promise<MatchSummary> {
  // A retry continues this attempt's own run (its finished blocks stay), never an older one.
  const mine: { runId: number | null } = { runId: null };
  const policy = { ...DEFAULT_RETRY, retries: ctx.config.retries };
  return withRetry('match', () => matchAttempt(opts, ctx, mine), { policy, log: ctx.log, signal: ctx.signal });
}

async function matchAttempt(opts: MatchOptions, ctx: CommandContext, mine: { runId: number | null }): Promise<MatchSummary> {
  const { db, log, clock, config } = ctx;
  await assertMigrated(db);
  const shard = opts.shard ?? { index: 0, count: 1 };
  if (shard.count > 1 && !opts.runKey) throw new FitmatchError('--shard needs --run-key: all shards of a run must name it the same way', ExitCode.USAGE);
  if (opts.resume && opts.runKey) throw new FitmatchError('--resume continues a one-process run; a shared run continues by running the same --shard/--run-key command again', ExitCode.USAGE);
  if (opts.incremental && (opts.runKey || opts.resume || opts.publish === false)) {
    throw new FitmatchError('--incremental is a one-process run that publishes: it cannot be combined with --shard/--run-key, --resume or --no-publish', ExitCode.USAGE);
  }
  if (opts.runKey !== undefined) validateRunKey(opts.runKey);
  const shared = opts.runKey !== undefined;
  const lost = new AbortController();
  const signal = AbortSignal.any([ctx.signal, lost.signal]);
  const onLost = (e: Error) => lost.abort(e);
  const t0 = performance.now();

  const matchLock = shared ? null : await acquireLock(db, 'match', { waitSeconds: Math.ceil(config.waitLock / 1000), log, holder: 'another fitmatch match, incremental run or rollback on this database', onLost });
  let run: RunRow | null = null;
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
    if (opts.incremental) {
      const inc = await incrementalRun(ctx, opts, settings, matchLock!, signal, write, statementBytes);
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
    try {
      work = await runShard({ db, log, signal, run, shard: shard.index, snapshot, factory: opts.engine ?? defaultEngineFactory, threads: config.threads, kernel: config.kernel, lock: shardLock, writer, statementBytes });
    } finally {
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
      if (!published.published) log.info(`run ${run.id} is computed and staged, not published (--no-publish): publish it with \`fitmatch publish --run-id ${run.id}\``);
      log.event('match_summary', { ...summary }, formatMatchSummary(summary).split('\n')[0]);
      return summary;
    } finally {
      if (!matchLock) await lock.release();
    }
  } catch (e) {
    const stopped = isStop(e, ctx.signal);
    if (run && !shared) {
      await quietly(log, 'record the run as stopped', () => transition(db.pool, clock, run!.id, stopTransition(stopped), { error: (e as Error).message }));
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

/** The incremental run, or null (logged) when it has to fall back to a full run. */
async function incrementalRun(ctx: CommandContext, opts: MatchOptions, s: RunSettings, lock: HeldLock, signal: AbortSignal, write: { path: WritePath; maxAllowedPacket: number }, statementBytes: number): Promise<MatchSummary | null> {
  const { db, log, clock, config } = ctx;
  const busy = await liveSharedRun(db);
  if (busy !== null) throw new LockedError(lockName(db.settings.database, shardLockPurpose(busy, 0)), `shard processes of run ${busy}`);
  const t0 = performance.now();
  const r = await runIncremental({
    db, log, signal, clock, matchLock: lock, factory: opts.engine ?? defaultEngineFactory, write, statementBytes, allowEmpty: !!opts.allowEmpty,
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
    counts: r.counts as MatchSummary['counts'], timings: { ...r.timings, totalMs: performance.now() - t0 },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  log.event('match_summary', { ...summary }, formatIncrementalSummary(summary).split('\n')[0]);
  await quietly(log, 'prune old runs', () => pruneBookkeeping(db.pool));
  return summary;
}

/** A shared run some shard is working on right now, if any: an incremental run must not overlap a full one. */
async function liveSharedRun(db: CommandContext['db']): Promise<number | null> {
  const [rows] = await db.pool.query("SELECT id, shards FROM match_runs WHERE kind = 'full' AND status IN (?) AND run_key IS NOT NULL", [ACTIVE]);
  for (const r of rows as { id: number; shards: number }[]) if (await shardsAlive(db.pool, db.settings.database, Number(r.id), Number(r.shards))) return Number(r.id);
  return null;
}

/** A new one-process run (superseding unfinished ones), or with --resume the newest unfinished one. */
async function oneProcessRun(ctx: CommandContext, s: RunSettings, resume: 'latest' | number | null, statementBytes: number): Promise<RunRow> {
  const { db, clock, log } = ctx;
  const dead = await failDeadRuns(db.pool, clock, MATCH_KINDS);
  if (dead.length) log.warn(`marked ${dead.length} run(s) whose process died as failed: ${dead.join(', ')}`);
  let run = resume === 'latest' ? await latestResumable(db.pool) : resume === null ? null : await runById(db.pool, resume);
  if (run && !isResumable(run.status) && !hasSucceeded(run.status)) run = null;
  if (run) {
    assertSameSettings(run, s, `run ${run.id}`);
    log.info(`resuming run ${run.id} (started ${run.startedAt.toISOString()})`);
    // A retry of an attempt that published before losing its connection finds it published: nothing to resume.
    if (!hasSucceeded(run.status)) await transition(db.pool, clock, run.id, 'resume');
  } else {
    if (resume) log.info('nothing to resume: starting a new run');
    run = await createRun(db, clock, s, { runKey: null, shards: 1, statementBytes });
  }
  for (const stale of await findStaleRuns(db, clock, { keep: run.id, olderThanMs: STALE_SHARED_RUN_MS, superseded: true })) {
    await abandonRun(db.pool, clock, stale.id, stale.why);
    log.info(`abandoned run ${stale.id}${stale.runKey ? ` ("${stale.runKey}")` : ''}: ${stale.why}; its staging is dropped`);
  }
  const orphans = await orphanStaging(db.pool);
  if (orphans.length) {
    await db.pool.query(`DROP TABLE IF EXISTS ${orphans.join(', ')}`);
    log.info(`dropped ${orphans.length} staging table(s) no run owns: ${orphans.join(', ')}`);
  }
  return run;
}

/** The run named `key`: created by the first process to arrive, joined by the others. */
async function sharedRun(ctx: CommandContext, s: RunSettings, key: string, shards: number, statementBytes: number): Promise<RunRow> {
  const { db, clock, log } = ctx;
  // One creator at a time; whoever holds this lock and finds a run still preparing knows its creator died.
  const create = await acquireLock(db, `create:${key}`, { waitSeconds: 120, holder: `another process creating run "${key}"` });
  try {
    let run = await runByKey(db.pool, key);
    if (run && isPreparing(run.status)) {
      await abandonRun(db.pool, clock, run.id, 'its creator died while preparing it');
      await db.pool.query('UPDATE match_runs SET run_key = NULL WHERE id = ?', [run.id]);
      run = null;
    }
    if (run && !isRunning(run.status) && !hasSucceeded(run.status)) {
      throw new FitmatchError(`run "${key}" is ${run.status}: start a new run with another --run-key`, ExitCode.USAGE);
    }
    if (run) {
      if (run.shards !== shards) throw new FitmatchError(`run "${key}" was created with ${run.shards} shards; this process says ${shards}`, ExitCode.USAGE);
      assertSameSettings(run, s, `run "${key}"`);
      return run;
    }
    const created = await createRun(db, clock, s, { runKey: key, shards, statementBytes });
    log.info(`created run ${created.id} ("${key}") for ${shards} shard(s)`);
    // Without the match lock a one-process run may be alive: only shared runs are judged here.
    for (const stale of (await findStaleRuns(db, clock, { keep: created.id, olderThanMs: STALE_SHARED_RUN_MS, superseded: false })).filter((r) => r.runKey !== null)) {
      await abandonRun(db.pool, clock, stale.id, stale.why);
      log.info(`abandoned run ${stale.id}${stale.runKey ? ` ("${stale.runKey}")` : ''}: ${stale.why}; its staging is dropped`);
    }
    return created;
  } finally {
    await create.release();
  }
}

/** Every process of a run must agree on what it computes: a differing flag is a mistake, not a preference. */
function assertSameSettings(run: RunRow, s: RunSettings, what: string): void {
  const p = run.params;
  const diff: string[] = [];
  if (p.topK !== s.topK) diff.push(`--top-k ${p.topK} (this process: ${s.topK})`);
  if (p.reserve !== s.reserve) diff.push(`--reserve ${p.reserve} (this process: ${s.reserve})`);
  if (p.weights.join() !== s.weights.join()) diff.push(`--weights ${p.weights.join(',')} (this process: ${s.weights.join(',')})`);
  if (diff.length) throw new FitmatchError(`${what} was created with ${diff.join(', ')}`, ExitCode.USAGE);
}

function summaryOf(run: RunRow, shard: ShardSpec, work: ShardResult | null, published: { published: boolean; timings: Record<string, number> } | null, t0: number): MatchSummary {
  const p = run.params;
  return {
    runId: run.id,
    runKey: run.runKey,
    shard,
    published: published?.published ?? hasSucceeded(run.status),
    dims: p.dims,
    plan: { blockRows: p.blockRows, talentBlockRows: p.talentBlockRows, jobChunkRows: p.jobChunkRows, blocksDone: work?.blocksDone ?? 0, blocksAlreadyDone: work?.blocksAlreadyDone ?? 0 },
    params: { topK: p.topK, reserve: p.reserve, weights: p.weights, eligibility: p.eligibility },
    counts: (run.counts ?? {}) as MatchSummary['counts'],
    timings: { ...(work?.timings ?? {}), ...(published?.timings ?? {}), totalMs: performance.now() - t0 },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    engine: work?.engine,
  };
}
