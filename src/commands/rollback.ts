import { statementBudget } from '../backfill/writeEmbeddings.js';
import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { undoIncrement } from '../runs/undoIncrement.js';
import { PREVIOUS, readPublishedState, swapWithPrevious, tableExists } from '../store/resultTables.js';
import { chooseWritePath } from '../store/resultWriter.js';
import { runById } from '../store/runStore.js';
import { assertMigrated } from '../migrate/migrator.js';
import { setRunStatus } from '../store/runRecord.js';

export interface RollbackOptions {
  lockWaitSeconds?: number;
  attempts?: number;
}

export interface RollbackResult {
  /** The run now published again (null when that set is unknown: published before fitmatch recorded it). */
  restoredRunId: number | null;
  /** The run whose publication was undone. */
  unpublishedRunId: number | null;
  /** 'increment': an incremental run's changes were undone; 'swap': the previous full set was swapped back in. */
  how: 'increment' | 'swap';
}

/**
 * Undoes the latest publication. After an incremental run, that is its changes
 * (restored exactly from what it saved, in one transaction; the run is marked
 * rolled_back, and the one before it is published again). After a full run, the
 * whole set is swapped with the previous one in one RENAME; running it twice undoes it.
 */
export async function rollback(opts: RollbackOptions, ctx: Pick<CommandContext, 'db' | 'log' | 'signal' | 'config'>): Promise<RollbackResult> {
  const { db, log } = ctx;
  await assertMigrated(db);
  const lock = await acquireLock(db, 'match', { holder: 'a fitmatch match, incremental run or rollback running on this database' });
  try {
    const live = await readPublishedState(lock.conn);
    const liveRun = live ? await runById(lock.conn, live.runId) : null;
    let result: RollbackResult;
    if (liveRun?.params.incrementalOf !== undefined) {
      const write = await chooseWritePath(db.pool, ctx.config.writeMode);
      await lock.assertHeld();
      const restored = await undoIncrement(lock.conn, liveRun.id, write, Math.min(4 * 2 ** 20, statementBudget(write.maxAllowedPacket)));
      await setRunStatus(db.pool, liveRun.id, 'rolled_back');
      result = { restoredRunId: restored, unpublishedRunId: liveRun.id, how: 'increment' };
    } else {
      if (!(await tableExists(lock.conn, PREVIOUS))) {
        throw new FitmatchError(`rollback: there is no previous result set (${PREVIOUS} does not exist), nothing to roll back to`, ExitCode.FAILED);
      }
      const unpublishedRunId = live?.runId ?? null;
      const restoredRunId = (await tableExists(lock.conn, 'match_published_previous')) ? ((await readPublishedState(lock.conn, 'match_published_previous'))?.runId ?? null) : null;
      await lock.assertHeld();
      await swapWithPrevious(lock.conn, { lockWaitSeconds: opts.lockWaitSeconds ?? 5, attempts: opts.attempts ?? 5, log, signal: ctx.signal });
      if (unpublishedRunId !== null) await setRunStatus(db.pool, unpublishedRunId, 'rolled_back');
      // Rolling back a rollback republishes a run that was marked rolled_back.
      if (restoredRunId !== null) await setRunStatus(db.pool, restoredRunId, 'succeeded');
      result = { restoredRunId, unpublishedRunId, how: 'swap' };
    }
    const name = (id: number | null) => (id === null ? 'a set published before fitmatch recorded publications' : `run ${id}`);
    const what = result.how === 'increment' ? `undid incremental ${name(result.unpublishedRunId)}` : `swapped ${name(result.unpublishedRunId)} out (kept as the previous set)`;
    log.event('rollback', { ...result }, `rolled back: ${what}; match_results now holds ${name(result.restoredRunId)}`);
    return result;
  } finally {
    await lock.release();
  }
}
