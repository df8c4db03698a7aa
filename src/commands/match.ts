import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { assertMigrated } from '../migrate/migrator.js';
import { InterruptedError, LockedError } from '../errors.js';
import { defaultEngineFactory } from '../match/defaultEngine.js';
import { resolveEligibility } from '../match/eligibility.js';
import type { EngineFactory } from '../match/enginePort.js';
import { formatMatchSummary, type MatchSummary } from '../match/matchSummary.js';
import { runMatchPipeline } from '../match/matchPipeline.js';
import { dropNextTable } from '../match/resultTables.js';
import { chooseWritePath, type WriteMode } from '../match/resultWriter.js';
import { failStaleRuns, finishRun, startRun } from '../match/runRecord.js';

export interface MatchOptions {
  /** Compute and stage, but leave match_results as it is (match_results_next is dropped). */
  publish?: boolean;
  /** Seconds one RENAME attempt may wait for readers' open transactions. */
  lockWaitSeconds?: number;
  publishAttempts?: number;
  /** Test hook (env FITMATCH_TEST_PAUSE_BEFORE_PUBLISH_MS): pause after staging, before publishing. */
  pauseBeforePublishMs?: number;
  /** The compute engine; tests may pass a reference implementation. */
  engine?: EngineFactory;
}

/**
 * Exact top-k in both directions, staged in match_results_next and published
 * with one atomic RENAME. Holds the 'match' lock for the whole run; topK,
 * weights, memory, threads, eligibility and write mode come from ctx.config.
 */
export async function match(opts: MatchOptions, ctx: CommandContext): Promise<MatchSummary> {
  const { db, log, clock, config } = ctx;
  await assertMigrated(db);
  const lock = await acquireLock(db, 'match', 0).catch((e) => {
    if (e instanceof LockedError) log.error('another fitmatch match or rollback is running on this database');
    throw e;
  });
  try {
    const stale = await failStaleRuns(db.pool, clock);
    if (stale.length) log.warn(`marked ${stale.length} abandoned run(s) as failed: ${stale.join(', ')}`);
    const eligibility = resolveEligibility(
      { jobStatuses: config.jobStatuses, includeExpired: config.includeExpired, includeDeleted: config.includeDeleted, timezone: config.timezone, today: config.today },
      clock.now(),
    );
    const write = await chooseWritePath(db.pool, config.writeMode as WriteMode);
    const engine = { topK: config.topK, weights: config.weights, memoryBytes: config.memory, threads: config.threads };
    const params = { ...engine, eligibility, writeMode: config.writeMode, writePath: write.path, publish: opts.publish !== false };
    const runId = await startRun(db.pool, clock, params);
    const started = clock.now();
    const t0 = performance.now();
    log.info(`match run ${runId}: top ${engine.topK}, eligibility as of ${eligibility.today} (${eligibility.timezone}), writing with ${write.path}`);
    try {
      const r = await runMatchPipeline({
        pool: db.pool,
        log,
        signal: ctx.signal,
        runId,
        computedAt: started.toISOString().slice(0, 19).replace('T', ' '),
        eligibility,
        engine,
        factory: opts.engine ?? defaultEngineFactory,
        write,
        publish: opts.publish !== false,
        lockWaitSeconds: opts.lockWaitSeconds ?? 5,
        publishAttempts: opts.publishAttempts ?? 5,
        pauseBeforePublishMs: opts.pauseBeforePublishMs ?? 0,
      });
      if (!r.published) await dropNextTable(db.pool);
      const timings = { ...r.timings, totalMs: performance.now() - t0 };
      const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
      const summary: MatchSummary = { runId, published: r.published, dims: r.dims, plan: r.plan, params, counts: r.counts, timings, peakRssMb };
      await finishRun(db.pool, clock, runId, { status: 'succeeded', counts: { ...r.counts, plan: r.plan, dims: r.dims, peakRssMb }, timings });
      log.event('match_summary', { ...summary }, formatMatchSummary(summary));
      return summary;
    } catch (e) {
      const status = e instanceof InterruptedError ? 'interrupted' : 'failed';
      await dropNextTable(db.pool).catch((d) => log.warn(`could not drop match_results_next: ${(d as Error).message}`));
      await finishRun(db.pool, clock, runId, { status, counts: {}, timings: { totalMs: performance.now() - t0 }, error: (e as Error).message });
      if (status === 'interrupted') log.warn(`match run ${runId} interrupted; match_results is unchanged`);
      throw e;
    }
  } finally {
    await lock.release();
  }
}
