import { quietly } from '../cleanup.js';
import type { Clock } from '../clock.js';
import { isStop } from '../errors.js';
import type { Logger } from '../log.js';
import type { RunCounts } from '../store/runCounts.js';
import { failDeadRuns, insertRun, MATCH_KINDS, stopTransition, transition, type NewRun, type RunKind } from '../store/runLifecycle.js';
import type { Queryable } from '../store/sql.js';

/** What recording a run needs: where match_runs is, the clock its times come from, the log, and the stop signal. */
export interface RunRecorder {
  pool: Queryable;
  clock: Clock;
  log: Pick<Logger, 'warn' | 'debug'>;
  signal: AbortSignal;
}

/** How a run's work ended: succeeded (or stopped at a boundary, interrupted) with what it counted; or left as it is (a full run another step publishes). */
export interface RunEnd<T> {
  value: T;
  end?: { transition: 'succeed' | 'interrupt'; counts?: RunCounts; timings?: Record<string, number> };
}

const groupOf = (kind: RunKind): readonly RunKind[] => (kind === 'backfill' ? ['backfill'] : MATCH_KINDS);

/**
 * Called holding the lock of the run's kind (the match lock, or the backfill
 * lock): a one-process run of that group still active belongs to a process that
 * died, and is marked failed, whatever kind of run finds it.
 */
export async function markDeadRuns(r: RunRecorder, kind: RunKind): Promise<void> {
  const dead = await failDeadRuns(r.pool, r.clock, groupOf(kind));
  if (dead.length) r.log.warn(`marked ${dead.length} ${kind === 'backfill' ? 'backfill ' : ''}run(s) whose process died as failed: ${dead.join(', ')}`);
}

/** Marks the dead runs of its group failed, then inserts the run in its kind's initial status. */
export async function startRun(r: RunRecorder, run: NewRun): Promise<number> {
  await markDeadRuns(r, run.kind);
  return insertRun(r.pool, r.clock, run);
}

/**
 * Records that run `runId` stopped on `e`: interrupted by a signal, failed
 * otherwise. Recording it may fail too (the connection that broke the run):
 * that is logged and never masks `e`; the next run of its group marks it failed.
 */
export async function recordStop(r: RunRecorder, runId: number, e: unknown, extra: { counts?: RunCounts; timings?: Record<string, number> } = {}): Promise<void> {
  const error = e instanceof Error ? e.message : String(e);
  await quietly(r.log, 'record the run as stopped', () => transition(r.pool, r.clock, runId, stopTransition(isStop(e, r.signal) || r.signal.aborted), { ...extra, error }));
}

/**
 * The one way a run is recorded: the dead runs of its group marked failed, the
 * run inserted, its work done, then succeeded (or interrupted) with its counts,
 * or, if the work throws, stopped by recordStop.
 */
export async function recordedRun<T>(r: RunRecorder, run: NewRun, work: (runId: number) => Promise<RunEnd<T>>, onStop?: () => { counts?: RunCounts; timings?: Record<string, number> }): Promise<T> {
  const runId = await startRun(r, run);
  let done: RunEnd<T>;
  try {
    done = await work(runId);
  } catch (e) {
    await recordStop(r, runId, e, onStop?.());
    throw e;
  }
  if (done.end) {
    const { transition: t, ...data } = done.end;
    await transition(r.pool, r.clock, runId, t, data);
  }
  return done.value;
}

/**
 * recordedRun for a run that may turn out empty (`run --incremental`'s backfill
 * when nothing changed): the work runs first and the run is recorded after it,
 * started when the work started, only if `worthRecording` says so, or if the
 * work stopped (a stop is never an empty run). A 10-minute cron then leaves no
 * trail of empty runs. The dead runs of its group are marked failed first, as always.
 */
export async function recordedRunIfWorth<T>(r: RunRecorder, run: NewRun, work: () => Promise<RunEnd<T>>, worthRecording: (done: RunEnd<T>) => boolean, onStop?: () => { counts?: RunCounts; timings?: Record<string, number> }): Promise<T> {
  await markDeadRuns(r, run.kind);
  const startedAt = r.clock.now();
  let done: RunEnd<T>;
  try {
    done = await work();
  } catch (e) {
    let runId: number | null = null;
    await quietly(r.log, 'record the run', async () => (runId = await insertRun(r.pool, r.clock, { ...run, startedAt })));
    if (runId !== null) await recordStop(r, runId, e, onStop?.());
    throw e;
  }
  if (done.end && worthRecording(done)) {
    const runId = await insertRun(r.pool, r.clock, { ...run, startedAt });
    const { transition: t, ...data } = done.end;
    await transition(r.pool, r.clock, runId, t, data);
  }
  return done.value;
}
