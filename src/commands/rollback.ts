import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { PREVIOUS, readPublishedState, swapWithPrevious, tableExists } from '../match/resultTables.js';
import { assertMigrated } from '../migrate/migrator.js';
import { setRunStatus } from '../runRecord.js';

export interface RollbackOptions {
  lockWaitSeconds?: number;
  attempts?: number;
}

export interface RollbackResult {
  /** The run now published again (null when that set is unknown: published before fitmatch recorded it). */
  restoredRunId: number | null;
  /** The run that was published before the rollback, now kept as the previous set. */
  unpublishedRunId: number | null;
}

/** Swaps the published set with the previous one atomically; running it twice undoes it. */
export async function rollback(opts: RollbackOptions, ctx: Pick<CommandContext, 'db' | 'log' | 'signal'>): Promise<RollbackResult> {
  const { db, log } = ctx;
  await assertMigrated(db);
  const lock = await acquireLock(db, 'match', { holder: 'a fitmatch match, incremental run or rollback running on this database' });
  try {
    if (!(await tableExists(lock.conn, PREVIOUS))) {
      throw new FitmatchError(`rollback: there is no previous result set (${PREVIOUS} does not exist), nothing to roll back to`, ExitCode.FAILED);
    }
    const unpublishedRunId = (await readPublishedState(lock.conn))?.runId ?? null;
    const restoredRunId = (await tableExists(lock.conn, 'match_published_previous')) ? ((await readPublishedState(lock.conn, 'match_published_previous'))?.runId ?? null) : null;
    await lock.assertHeld();
    await swapWithPrevious(lock.conn, { lockWaitSeconds: opts.lockWaitSeconds ?? 5, attempts: opts.attempts ?? 5, log, signal: ctx.signal });
    if (unpublishedRunId !== null) await setRunStatus(db.pool, unpublishedRunId, 'rolled_back');
    // Rolling back a rollback republishes a run that was marked rolled_back.
    if (restoredRunId !== null) await setRunStatus(db.pool, restoredRunId, 'succeeded');
    const result = { restoredRunId, unpublishedRunId };
    const name = (id: number | null) => (id === null ? 'a set published before fitmatch recorded publications' : `run ${id}`);
    log.event('rollback', result, `rolled back: match_results now holds ${name(restoredRunId)}; ${name(unpublishedRunId)} is kept as the previous set`);
    return result;
  } finally {
    await lock.release();
  }
}
