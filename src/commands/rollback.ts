import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { assertMigrated } from '../migrate/migrator.js';
import { ExitCode, FitmatchError, LockedError } from '../errors.js';
import { LIVE, PREVIOUS, swapWithPrevious, tableExists } from '../match/resultTables.js';
import { setRunStatus } from '../match/runRecord.js';

export interface RollbackOptions {
  lockWaitSeconds?: number;
  attempts?: number;
}

export interface RollbackResult {
  /** The run now published again (null when that set is empty). */
  restoredRunId: number | null;
  /** The run that was published before the rollback, now kept as the previous set. */
  unpublishedRunId: number | null;
}

/** Swaps match_results with match_results_previous atomically; running it twice undoes it. */
export async function rollback(opts: RollbackOptions, ctx: Pick<CommandContext, 'db' | 'log'>): Promise<RollbackResult> {
  const { db, log } = ctx;
  await assertMigrated(db);
  const lock = await acquireLock(db, 'match', 0).catch((e) => {
    if (e instanceof LockedError) log.error('a fitmatch match or rollback is running on this database');
    throw e;
  });
  try {
    if (!(await tableExists(lock.conn, PREVIOUS))) {
      log.error(`there is no previous result set (${PREVIOUS} does not exist): nothing to roll back to`);
      throw new FitmatchError('rollback: no previous result set', ExitCode.FAILED);
    }
    const unpublishedRunId = await runIdOf(lock.conn, LIVE);
    const restoredRunId = await runIdOf(lock.conn, PREVIOUS);
    await swapWithPrevious(lock.conn, { lockWaitSeconds: opts.lockWaitSeconds ?? 5, attempts: opts.attempts ?? 5, log });
    if (unpublishedRunId !== null) await setRunStatus(db.pool, unpublishedRunId, 'rolled_back');
    // Rolling back a rollback republishes a run that was marked rolled_back.
    if (restoredRunId !== null) await setRunStatus(db.pool, restoredRunId, 'succeeded');
    const result = { restoredRunId, unpublishedRunId };
    log.event(
      'rollback',
      result,
      `rolled back: match_results now holds run ${restoredRunId ?? '(empty set)'}; run ${unpublishedRunId ?? '(empty set)'} kept as ${PREVIOUS}`,
    );
    return result;
  } finally {
    await lock.release();
  }
}

async function runIdOf(q: { query: (sql: string) => Promise<[unknown, unknown]> }, table: string): Promise<number | null> {
  const [rows] = await q.query(`SELECT run_id FROM ${table} LIMIT 1`);
  const r = (rows as { run_id: number }[])[0];
  return r ? Number(r.run_id) : null;
}
