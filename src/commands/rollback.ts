import { statementBudget } from '../store/writeEmbeddings.js';
import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { planRollback, type RollbackStep, type RunFacts, type SetInfo } from '../runs/rollbackPlan.js';
import { readUndoTarget, undoIncrement } from '../store/undoIncrement.js';
import { hasRows, PREVIOUS, readPublishedState, swapWithPrevious, tableExists } from '../store/resultTables.js';
import { chooseWritePath } from '../store/resultWriter.js';
import { matchRunById } from '../store/runStore.js';
import { assertMigrated } from '../migrate/migrator.js';
import { isRolledBack, transition } from '../store/runLifecycle.js';
import { inTransaction, type PoolConnection } from '../store/sql.js';

export interface RollbackOptions {
  /** Roll back step by step until this run's set is published. */
  to?: number;
  /** Say what would be restored, change nothing. */
  dryRun?: boolean;
  lockWaitSeconds?: number;
  attempts?: number;
}

export interface RollbackResult {
  /** The run published after the rollback (null when that set is unknown: published before fitmatch recorded it). */
  restoredRunId: number | null;
  /** The run whose publication was undone first. */
  unpublishedRunId: number | null;
  /** The last step's way: 'increment': an incremental run's changes were undone; 'swap': the previous full set was swapped back in. */
  how: 'increment' | 'swap';
  /** Every step, in order, with the published_at each restored set gets back. */
  steps: { how: 'increment' | 'swap'; unpublishedRunId: number | null; restoredRunId: number | null; restoredPublishedAt: string | null }[];
  dryRun: boolean;
}

/**
 * Restores the set published before the current one, exactly, published_at
 * included (the rule and its wording: src/runs/rollbackPlan.ts). --to RUN
 * repeats that until RUN's set is live; --dry-run only says what it would restore.
 */
export async function rollback(opts: RollbackOptions, ctx: Pick<CommandContext, 'db' | 'log' | 'signal' | 'config' | 'clock'>): Promise<RollbackResult> {
  const { db, log, clock } = ctx;
  await assertMigrated(db);
  const lock = await acquireLock(db, 'match', { holder: 'a fitmatch match, incremental run or rollback running on this database' });
  try {
    const conn = lock.conn;
    const live = await setInfo(conn, 'match_published');
    const previous = await keptSet(conn);
    const plan = await planRollback(live, previous, (id) => runFacts(conn, id), opts.to);
    if ('refused' in plan) throw new FitmatchError(`rollback: ${plan.refused}; nothing was changed`, ExitCode.FAILED);
    const steps = plan.steps.map(describe);
    const result: RollbackResult = {
      restoredRunId: steps[steps.length - 1].restoredRunId,
      unpublishedRunId: steps[0].unpublishedRunId,
      how: steps[steps.length - 1].how,
      steps,
      dryRun: !!opts.dryRun,
    };
    for (const s of steps) log.info(`${opts.dryRun ? 'would restore' : 'restoring'} ${name(s.restoredRunId)} (published ${s.restoredPublishedAt ?? 'at an unknown time'}): ${s.how === 'increment' ? `undoes incremental ${name(s.unpublishedRunId)}` : `swaps ${name(s.unpublishedRunId)} out, kept as the previous set`}`);
    if (opts.dryRun) {
      log.event('rollback', { ...result }, `rollback --dry-run: nothing changed; match_results would hold ${name(result.restoredRunId)}`);
      return result;
    }
    const write = await chooseWritePath(db.pool, ctx.config.writeMode);
    // The statuses change on the lock's connection: with an undo, in the transaction that restores the data;
    // after a swap (a RENAME, which no transaction holds), in one transaction of their own right after it.
    const recordStep = async (step: (typeof plan.steps)[number]) => {
      if (step.from.runId !== null) await transition(conn, clock, step.from.runId, 'rollBack');
      const restored = step.to.runId === null ? null : await matchRunById(conn, step.to.runId);
      if (restored && isRolledBack(restored.status)) await transition(conn, clock, restored.id, 'republish');
    };
    for (const step of plan.steps) {
      await lock.assertHeld();
      if (step.how === 'undo') {
        await undoIncrement(conn, step.from.runId!, write, Math.min(4 * 2 ** 20, statementBudget(write.maxAllowedPacket)), () => recordStep(step));
      } else {
        await swapWithPrevious(conn, { lockWaitSeconds: opts.lockWaitSeconds ?? 5, attempts: opts.attempts ?? 5, log, signal: ctx.signal, pool: ctx.db.pool });
        await inTransaction(conn, () => recordStep(step));
      }
    }
    log.event('rollback', { ...result }, `rolled back: match_results now holds ${name(result.restoredRunId)}, published ${steps[steps.length - 1].restoredPublishedAt ?? 'at an unknown time'}`);
    return result;
  } finally {
    await lock.release();
  }
}

const name = (id: number | null) => (id === null ? 'a set published before fitmatch recorded publications' : `run ${id}`);

function describe(s: RollbackStep): RollbackResult['steps'][number] {
  return { how: s.how === 'undo' ? 'increment' : 'swap', unpublishedRunId: s.from.runId, restoredRunId: s.to.runId, restoredPublishedAt: s.to.publishedAt?.toISOString() ?? null };
}

async function setInfo(conn: PoolConnection, table: string): Promise<SetInfo | null> {
  const s = await readPublishedState(conn, table);
  return s ? { runId: s.runId, publishedAt: s.publishedAt } : null;
}

/** The set kept by the last full publish, if any: an empty table that never held a recorded set is nothing to restore. */
async function keptSet(conn: PoolConnection): Promise<SetInfo | null> {
  if (!(await tableExists(conn, PREVIOUS))) return null;
  const kept = (await tableExists(conn, 'match_published_previous')) ? await setInfo(conn, 'match_published_previous') : null;
  if (kept) return kept;
  return (await hasRows(conn, PREVIOUS)) ? { runId: null, publishedAt: null } : null;
}

async function runFacts(conn: PoolConnection, id: number): Promise<RunFacts | null> {
  const run = await matchRunById(conn, id);
  if (!run) return null;
  if (run.kind === 'full') return { kind: 'full', snapshotAt: run.snapshotAt };
  return { kind: 'incremental', snapshotAt: run.snapshotAt, undoTo: await readUndoTarget(conn, id) };
}
