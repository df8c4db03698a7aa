import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { abandonRun, findStaleRuns, orphanStaging, pruneBookkeeping, shardsAlive, type StaleRun } from '../runs/cleanupRuns.js';
import { dropTables, staging } from '../store/resultTables.js';
import { existingTables } from '../store/sql.js';
import { matchRunById, runByKey } from '../store/runStore.js';
import { assertMigrated } from '../migrate/migrator.js';
import { isUnfinished } from '../store/runLifecycle.js';
import { validateRunKey } from '../runs/runKey.js';

export interface CleanupOptions {
  /** Abandon unpublished runs idle for longer than this (ms). */
  olderThanMs: number;
  runKey?: string;
  runId?: number;
  dryRun?: boolean;
}

export interface CleanupResult {
  abandoned: StaleRun[];
  droppedTables: string[];
}

/**
 * Abandons unpublished runs that will not finish (a shard that never comes back,
 * a one-process run nobody resumed): drops their staging tables and
 * bookkeeping, so nothing of them can ever be published. With --run-key/--run-id,
 * that one run, whatever its age (refused while one of its shards is alive).
 */
export async function cleanup(opts: CleanupOptions, ctx: CommandContext): Promise<CleanupResult> {
  const { db, log, clock } = ctx;
  if (opts.runKey !== undefined) validateRunKey(opts.runKey);
  await assertMigrated(db);
  const lock = await acquireLock(db, 'match', { holder: 'a fitmatch match, incremental run or rollback (clean up when it has finished)' });
  try {
    let stale: StaleRun[];
    if (opts.runKey !== undefined || opts.runId !== undefined) {
      const run = opts.runKey !== undefined ? await runByKey(db.pool, opts.runKey) : await matchRunById(db.pool, opts.runId!);
      if (!run) throw new FitmatchError(`no such run: ${opts.runKey ?? opts.runId}`, ExitCode.USAGE);
      if (!isUnfinished(run.status)) throw new FitmatchError(`run ${run.id} is ${run.status}: only unpublished runs can be abandoned`, ExitCode.USAGE);
      if (await shardsAlive(db.pool, db.settings.database, run.id, run.shards)) throw new FitmatchError(`run ${run.id} has a shard at work right now; stop it first`, ExitCode.LOCKED);
      stale = [{ id: run.id, runKey: run.runKey, why: 'abandoned by fitmatch cleanup' }];
    } else {
      stale = await findStaleRuns(db, clock, { olderThanMs: opts.olderThanMs, superseded: false });
    }
    const names = await existingTables(db.pool);
    const orphans = await orphanStaging(db.pool);
    for (const r of stale) log.info(`${opts.dryRun ? 'would abandon' : 'abandoning'} run ${r.id}${r.runKey ? ` ("${r.runKey}")` : ''}: ${r.why}`);
    for (const n of orphans) log.info(`${opts.dryRun ? 'would drop' : 'dropping'} ${n}: no unpublished run owns it`);
    if (!opts.dryRun) {
      for (const r of stale) await abandonRun(db.pool, clock, r.id, r.why);
      await dropTables(db.pool, orphans);
      await pruneBookkeeping(db.pool);
    }
    const dropped = [...stale.flatMap((r) => (['match_results', 'match_lists', 'match_published'] as const).map((t) => staging(t, r.id)).filter((n) => names.has(n))), ...orphans];
    log.event('cleanup', { abandoned: stale, droppedTables: dropped }, stale.length || orphans.length ? `${opts.dryRun ? 'would clean' : 'cleaned'} ${stale.length} run(s), ${dropped.length} table(s)` : 'nothing to clean up');
    return { abandoned: stale, droppedTables: dropped };
  } finally {
    await lock.release();
  }
}
