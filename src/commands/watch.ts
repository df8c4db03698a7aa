import type { CommandContext } from '../context.js';
import { lockHolder } from '../db/advisoryLock.js';
import { defaultEngineFactory } from '../engine/defaultEngine.js';
import { resolveEligibility } from '../engine/eligibility.js';
import type { EngineFactory } from '../engine/enginePort.js';
import { WarmEngines } from '../engine/WarmEngines.js';
import { MemoryVectors } from '../vectors/MemoryVectors.js';
import { ExitCode, InterruptedError, isStop, LockedError, messageOf, toFitmatchError } from '../errors.js';
import { holdPoint } from '../holdPoint.js';
import type { Logger } from '../log.js';
import { writeWatchMetrics, type WatchTotals } from '../metrics/watchMetrics.js';
import { report, type Report } from '../report.js';
import { StaleRunError } from '../runs/publishOrder.js';
import { abortableSleep } from '../shutdown.js';
import { oldestWriteAgeMs, readAppWatermark } from '../store/appWatermark.js';
import { readPublishedState } from '../store/resultTables.js';
import { formatPass, idlePass, publishedPass, type PassReport } from '../watch/passOutcome.js';
import { backfill, type BackfillOptions } from './backfill.js';
import { match, type MatchOptions } from './match.js';

export interface WatchOptions {
  /** Milliseconds from the end of one pass to the start of the next. */
  intervalMs: number;
  /** Prometheus textfile rewritten after every pass. */
  metricsFile?: string;
  /** Options of each pass's backfill; false: no backfill (another process writes the embeddings). */
  backfill: Omit<BackfillOptions, 'dryRun' | 'reportJson' | 'source' | 'full'> | false;
  match: Pick<MatchOptions, 'allowShrink' | 'allowEmpty'>;
  /** Passes failing in a row before the process exits with the last one's error (default 3). */
  maxFailures?: number;
  /** The compute engine (tests); kept warm between passes either way. */
  engine?: EngineFactory;
}

/** What the watcher remembers between passes. */
interface Seen {
  /** The app tables' watermark and the eligibility date the published set reflects. */
  key: string | null;
  /** The newest app updated_at the published set reflects (lag of the next pass counts from there). */
  maxUpdatedAt: string | null;
  /** The run published when `key` was taken: another publisher (the nightly run) changes it. */
  runId: number | null;
}

/**
 * `fitmatch watch`: a long-running process that keeps match_results within
 * seconds of the app. Every interval it reads a watermark of the app's tables
 * (one cheap query); when it moved, it backfills what changed and applies an
 * increment (a full run when more than --max-change changed), taking the locks
 * for that pass only, so the nightly run takes them between passes and the
 * watcher carries on from whatever is published. The process, the engines and
 * their sessions and the job vectors (in memory) stay warm between passes. The first SIGTERM ends it with 0: at
 * once while waiting, at the next batch boundary of a pass (which then publishes nothing).
 */
export async function watch(opts: WatchOptions, ctx: CommandContext): Promise<Report> {
  const { log, signal } = ctx;
  const engines = new WarmEngines(opts.engine ?? defaultEngineFactory);
  const jobVectors = new MemoryVectors();
  const totals: WatchTotals = { startedAt: ctx.clock.now(), lastPass: null, lastPublish: null, passes: {} };
  const seen: Seen = { key: null, maxUpdatedAt: null, runId: null };
  log.info(`watching ${ctx.db.settings.display} every ${opts.intervalMs / 1000} s (SIGTERM stops it)`);
  let passes = 0;
  let failures = 0;
  let stoppedIn: string | null = null;
  try {
    for (;;) {
      let p: PassReport;
      try {
        p = await onePass(++passes, opts, ctx, seen, { engines, jobVectors });
      } catch (e) {
        if (isStop(e, signal)) {
          stoppedIn = `during pass ${passes} (stopped at a batch boundary: nothing of it was published)`;
          break;
        }
        // A problem that stays (configuration, privileges, the shrink guard) ends the process with its exit code after a few tries.
        if (++failures >= (opts.maxFailures ?? 3) || !retryable(e)) throw e;
        p = idlePass(passes, 'failed', null, 0, (toFitmatchError(e)?.message ?? (e as Error).message).split('\n')[0]);
      }
      if (p.outcome !== 'failed') failures = 0;
      const at = ctx.clock.now();
      totals.lastPass = { at, report: p };
      if (p.outcome === 'published' || p.outcome === 'full') totals.lastPublish = { at, report: p };
      totals.passes[p.outcome] = (totals.passes[p.outcome] ?? 0) + 1;
      log.event('watch_pass', { ...p }, formatPass(p));
      if (opts.metricsFile) writeMetricsOrWarn(opts.metricsFile, totals, log);
      try {
        await holdPoint('watch_wait', log, signal);
        await abortableSleep(opts.intervalMs, signal);
      } catch (e) {
        if (!isStop(e, signal)) throw e;
        stoppedIn = `after pass ${passes}`;
        break;
      }
    }
  } finally {
    await engines.closeAll();
  }
  const data = { passes: totals.passes, stopped: stoppedIn, enginesCreated: engines.created, enginesReused: engines.reused, jobVectorsFromMemory: jobVectors.hits };
  log.event('watch_stopped', data, `watch stopped by signal ${stoppedIn}`);
  return report(data, `watch stopped ${stoppedIn}: ${Object.entries(totals.passes).map(([k, n]) => `${n} ${k}`).join(', ') || 'no pass'}`);
}

async function onePass(n: number, opts: WatchOptions, ctx: CommandContext, seen: Seen, warm: { engines: EngineFactory; jobVectors: MemoryVectors }): Promise<PassReport> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const { db } = ctx;
  const wm = await readAppWatermark(db.pool);
  const today = resolveEligibility(ctx.config, ctx.clock.now()).today;
  const key = `${wm.key}|${today}`;
  const published = await readPublishedState(db.pool);
  const runId = published?.runId ?? null;
  if (key === seen.key && runId === seen.runId) return idlePass(n, 'quiet', runId, ms());
  // Checked before the backfill too: while the nightly run matches, this pass would only make it read vectors newer than its snapshot.
  if (await lockHolder(db, 'match')) return idlePass(n, 'locked', runId, ms(), 'another fitmatch match, incremental run or rollback holds the match lock');

  const inner = { ...ctx, log: passLogger(ctx.log) };
  try {
    const b = opts.backfill === false ? null : await backfill({ ...opts.backfill, source: 'matching_vectors', dryRun: false }, inner);
    const m = await match({ ...opts.match, incremental: true, publish: true, engine: warm.engines, warmJobs: warm.jobVectors }, inner);
    const lagMs = seen.maxUpdatedAt && wm.maxUpdatedAt && m.published ? await oldestWriteAgeMs(db.pool, seen.maxUpdatedAt, wm.maxUpdatedAt) : null;
    Object.assign(seen, { key, maxUpdatedAt: wm.maxUpdatedAt, runId: m.published ? m.runId : runId });
    return publishedPass(n, b, m, lagMs, ms());
  } catch (e) {
    if (isStop(e, ctx.signal)) throw e instanceof InterruptedError ? e : new InterruptedError('watch pass interrupted');
    if (e instanceof LockedError) return idlePass(n, 'locked', runId, ms(), e.message);
    if (e instanceof StaleRunError) return idlePass(n, 'superseded', runId, ms(), e.message);
    throw e;
  }
}

/**
 * A pass's backfill and match log what they do at debug level (-v shows it):
 * the pass's own event says what it did. Warnings, errors and test hold
 * points still show.
 */
function passLogger(log: Logger): Logger {
  return {
    format: log.format,
    debug: (m, f) => log.debug(m, f),
    info: (m, f) => log.debug(m, f),
    warn: (m, f) => log.warn(m, f),
    error: (m, f) => log.error(m, f),
    event: (name, fields, msg) => (name === 'held' || name === 'lock_wait' ? log.event(name, fields, msg) : log.debug(msg ?? name, { event: name, ...fields })),
  };
}

function writeMetricsOrWarn(path: string, totals: WatchTotals, log: Logger): void {
  try {
    writeWatchMetrics(path, totals);
  } catch (e) {
    log.warn(`could not write --metrics-file ${path}: ${messageOf(e)}`);
  }
}

/** Errors worth another pass: the data moved under this one (a row deleted mid-backfill), not a setting or a grant that stays wrong. */
function retryable(e: unknown): boolean {
  const code = toFitmatchError(e)?.exitCode ?? ExitCode.INTERNAL;
  return code === ExitCode.FAILED || code === ExitCode.DB_UNAVAILABLE || code === ExitCode.INTERNAL;
}
