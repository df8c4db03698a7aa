import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { redact } from '../redact.js';
import { matchRuns } from '../schema/matchRuns.js';
import type { RunCounts } from './runCounts.js';
import { exec, row, rows, type Queryable as Q } from './sql.js';

/**
 * The one writer of match_runs.status (docs/operations.md "Run lifecycle").
 * Every change is a compare-and-set: UPDATE … WHERE id = ? AND status IN (the
 * states the transition may leave), with the affected rows checked, so two
 * processes can never both move a run, and a run never leaves a state it is
 * not allowed to. The statuses and kinds come from the schema.
 */
export const RUN_STATUSES = matchRuns.status.enumValues;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_KINDS = matchRuns.kind.enumValues;
export type RunKind = (typeof RUN_KINDS)[number];
/** The kinds that compute matches (everything but backfill). */
export const MATCH_KINDS: readonly RunKind[] = RUN_KINDS.filter((k) => k !== 'backfill');

const S = Object.fromEntries(RUN_STATUSES.map((s) => [s, s])) as { [K in RunStatus]: K };

/** Not published and not given up: a process may still finish, resume or publish it. */
export const UNFINISHED: readonly RunStatus[] = [S.preparing, S.running, S.staged, S.interrupted, S.failed];
/** Some process is (or was, if it died) working on it. */
export const ACTIVE: readonly RunStatus[] = [S.preparing, S.running];
/** Published (match runs) or finished (backfill). */
export const SUCCEEDED: readonly RunStatus[] = [S.succeeded];
/** What --resume and `publish` continue. */
export const RESUMABLE: readonly RunStatus[] = [S.running, S.staged, S.interrupted, S.failed];

/** A new run's status: a full run is preparing until its snapshot and blocks are fixed. */
const INITIAL: Record<RunKind, RunStatus> = { full: S.preparing, incremental: S.running, backfill: S.running };

/** Every transition: the states it may leave, the state it enters, and whether the run is then finished. */
export const TRANSITIONS = {
  /** Snapshot, blocks and staging are fixed: shards may work. */
  prepare: { from: [S.preparing], to: S.running, finishes: false },
  /** `match --resume`, or a retry of the same attempt. */
  resume: { from: RESUMABLE, to: S.running, finishes: false },
  /** Every block done and merged, left unpublished on purpose (`match --no-publish`): waits for `publish --run-id N`. */
  stage: { from: [S.running], to: S.staged, finishes: true },
  /** Published (match runs) or finished (backfill). */
  succeed: { from: RESUMABLE, to: S.succeeded, finishes: true },
  fail: { from: ACTIVE, to: S.failed, finishes: true },
  interrupt: { from: ACTIVE, to: S.interrupted, finishes: true },
  /** `rollback` took its set out of match_results. */
  rollBack: { from: [S.succeeded], to: S.rolled_back, finishes: false },
  /** `publish --run-id N` of a rolled-back run whose set is kept as the previous one. */
  republish: { from: [S.rolled_back], to: S.succeeded, finishes: false },
  /** It will never be published: its staging and bookkeeping are dropped. */
  abandon: { from: UNFINISHED, to: S.abandoned, finishes: true },
} as const satisfies Record<string, { from: readonly RunStatus[]; to: RunStatus; finishes: boolean }>;
export type Transition = keyof typeof TRANSITIONS;

/** A run was not in a state the transition may leave: another process moved it first. */
export class RunStateError extends FitmatchError {
  constructor(
    readonly runId: number,
    readonly transition: Transition,
    readonly actual: RunStatus | null,
  ) {
    super(
      `run ${runId} is ${actual ?? 'missing'}, not ${TRANSITIONS[transition].from.join(' or ')}: it cannot become ${TRANSITIONS[transition].to} (another process changed it)`,
      ExitCode.FAILED,
    );
    this.name = 'RunStateError';
  }
}

export const isUnfinished = (s: RunStatus): boolean => UNFINISHED.includes(s);
export const isActive = (s: RunStatus): boolean => ACTIVE.includes(s);
export const isResumable = (s: RunStatus): boolean => RESUMABLE.includes(s);
/** Published (match runs; it may have been replaced since) or finished (backfill). */
export const hasSucceeded = (s: RunStatus): boolean => s === S.succeeded;
/** Stopped by an error or a signal, not by finishing. */
export const hasStopped = (s: RunStatus): boolean => s === S.failed || s === S.interrupted;
export const isPreparing = (s: RunStatus): boolean => s === S.preparing;
export const isRunning = (s: RunStatus): boolean => s === S.running;
/** Computed with --no-publish: complete, waiting for `publish --run-id N`. */
export const isStaged = (s: RunStatus): boolean => s === S.staged;
export const STAGED: readonly RunStatus[] = [S.staged];
export const isRolledBack = (s: RunStatus): boolean => s === S.rolled_back;
/** The status a stopped run records: interrupted by a signal, failed otherwise. */
export const stopTransition = (bySignal: boolean): Transition => (bySignal ? 'interrupt' : 'fail');

export interface NewRun {
  kind: RunKind;
  params: Record<string, unknown>;
  runKey?: string | null;
  shards?: number;
  baseRunId?: number | null;
  snapshotAt?: Date | null;
  /** When the run began, if before it was recorded (a backfill recorded only once it changed something). */
  startedAt?: Date;
}

/**
 * Inserts a run in its kind's initial status. JSON columns are written as strings:
 * MariaDB's JSON is LONGTEXT and returns strings, MySQL returns objects (parseJson).
 * Everything stored passes through redact(): an error message can quote anything.
 */
export async function insertRun(q: Q, clock: Clock, r: NewRun): Promise<number> {
  const res = await exec(
    q,
    'INSERT INTO match_runs (kind, status, params, host, pid, started_at, run_key, shards, base_run_id, snapshot_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [r.kind, INITIAL[r.kind], redact(JSON.stringify(r.params)), hostname().slice(0, 255), process.pid, r.startedAt ?? clock.now(), r.runKey ?? null, r.shards ?? null, r.baseRunId ?? null, r.snapshotAt ?? null],
  );
  return res.insertId;
}

export interface TransitionData {
  counts?: RunCounts;
  timings?: Record<string, number>;
  error?: string;
  params?: Record<string, unknown>;
  snapshotAt?: Date;
}

/** Moves run `id` by `t`, or throws RunStateError when it is not in a state `t` may leave. */
export async function transition(q: Q, clock: Clock, id: number, t: Transition, d: TransitionData = {}): Promise<void> {
  const spec = TRANSITIONS[t];
  const set = ['status = ?'];
  const values: unknown[] = [spec.to];
  if (d.counts) set.push('counts = ?'), values.push(redact(JSON.stringify(d.counts)));
  if (d.timings) set.push('timings = ?'), values.push(JSON.stringify(d.timings));
  if (d.params) set.push('params = ?'), values.push(redact(JSON.stringify(d.params)));
  if (d.snapshotAt) set.push('snapshot_at = ?'), values.push(d.snapshotAt);
  if (d.error !== undefined) set.push('error = ?'), values.push(redact(d.error).slice(0, 60_000));
  else if (spec.to === S.succeeded || t === 'resume') set.push('error = NULL');
  // An abandoned run keeps the time it stopped, if it had one.
  if (spec.finishes) set.push(spec.to === S.abandoned ? 'finished_at = COALESCE(finished_at, ?)' : 'finished_at = ?'), values.push(clock.now());
  if (t === 'resume') set.push('finished_at = NULL');
  const res = await exec(q, `UPDATE match_runs SET ${set.join(', ')} WHERE id = ? AND status IN (?)`, [...values, id, spec.from]);
  if (res.affectedRows === 1) return;
  const actual = (await row<{ status: RunStatus }>(q, 'SELECT status FROM match_runs WHERE id = ?', [id]))?.status ?? null;
  // Without CLIENT_FOUND_ROWS an UPDATE that changes nothing reports 0 rows: already there is fine.
  const from: readonly RunStatus[] = spec.from;
  if (actual === spec.to && from.includes(actual)) return;
  throw new RunStateError(id, t, actual);
}

/**
 * Called while holding the kind's lock: a one-process run of those kinds still
 * active belongs to a process that died without cleaning up (its lock went with
 * its connection). Runs shared by several processes (run_key set) are not one
 * process's: they stay resumable and are left to `fitmatch cleanup`.
 */
export async function failDeadRuns(q: Q, clock: Clock, kinds: readonly RunKind[]): Promise<number[]> {
  const ids = (await rows<{ id: number }>(q, 'SELECT id FROM match_runs WHERE kind IN (?) AND status IN (?) AND run_key IS NULL', [kinds, ACTIVE])).map((r) => Number(r.id));
  const failed: number[] = [];
  for (const id of ids) {
    try {
      await transition(q, clock, id, 'fail', { error: 'process ended without finishing (found by a later run)' });
      failed.push(id);
    } catch (e) {
      if (!(e instanceof RunStateError)) throw e;
    }
  }
  return failed;
}
