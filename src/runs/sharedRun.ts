import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { hasSucceeded, isPreparing, isRunning } from '../store/runLifecycle.js';
import { releaseRunKey, runByKey, type FullRun } from '../store/runStore.js';
import { assertSameSettings } from './assertSameSettings.js';
import { abandonRun, findStaleRuns } from './cleanupRuns.js';
import { createRun, type RunSettings } from './createRun.js';
import { STALE_SHARED_RUN_MS } from './staleSharedRunMs.js';

/** The run named `key`: created by the first process to arrive, joined by the others. */
export async function sharedRun(ctx: CommandContext, s: RunSettings, key: string, shards: number, statementBytes: number): Promise<FullRun> {
  const { db, clock, log } = ctx;
  // One creator at a time; whoever holds this lock and finds a run still preparing knows its creator died.
  const create = await acquireLock(db, `create:${key}`, { waitSeconds: 120, holder: `another process creating run "${key}"` });
  try {
    let run = await runByKey(db.pool, key);
    if (run && isPreparing(run.status)) {
      await abandonRun(db.pool, clock, run.id, 'its creator died while preparing it');
      await releaseRunKey(db.pool, run.id);
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
