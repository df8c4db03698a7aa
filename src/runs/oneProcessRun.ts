import type { CommandContext } from '../context.js';
import { hasSucceeded, isResumable, transition } from '../store/runLifecycle.js';
import { markDeadRuns } from './recordedRun.js';
import { dropTables } from '../store/resultTables.js';
import { latestResumable, runById, type FullRun } from '../store/runStore.js';
import { assertSameSettings } from './assertSameSettings.js';
import { abandonRun, findStaleRuns, orphanStaging } from './cleanupRuns.js';
import { createRun, type RunSettings } from './createRun.js';
import { STALE_SHARED_RUN_MS } from './staleSharedRunMs.js';

/**
 * A new one-process run (superseding unfinished ones), or with resume the
 * newest unfinished one ('latest') or this attempt's own run (its id). The
 * caller holds the match lock.
 */
export async function oneProcessRun(ctx: CommandContext, s: RunSettings, resume: 'latest' | number | null, statementBytes: number): Promise<FullRun> {
  const { db, clock, log } = ctx;
  await markDeadRuns({ pool: db.pool, clock, log, signal: ctx.signal }, 'full');
  let run = resume === 'latest' ? await latestResumable(db.pool) : resume === null ? null : await runById(db.pool, resume);
  if (run && !isResumable(run.status) && !hasSucceeded(run.status)) run = null;
  if (run) {
    assertSameSettings(run, s, `run ${run.id}`);
    log.info(`resuming run ${run.id} (started ${run.startedAt.toISOString()})`);
    // A retry of an attempt that published before losing its connection finds it published: nothing to resume.
    if (!hasSucceeded(run.status)) await transition(db.pool, clock, run.id, 'resume');
  } else {
    if (resume) log.info('nothing to resume: starting a new run');
    run = await createRun(db, clock, s, { runKey: null, shards: 1, statementBytes });
  }
  for (const stale of await findStaleRuns(db, clock, { keep: run.id, olderThanMs: STALE_SHARED_RUN_MS, superseded: true })) {
    await abandonRun(db.pool, clock, stale.id, stale.why);
    log.info(`abandoned run ${stale.id}${stale.runKey ? ` ("${stale.runKey}")` : ''}: ${stale.why}; its staging is dropped`);
  }
  const orphans = await orphanStaging(db.pool);
  if (orphans.length) {
    await dropTables(db.pool, orphans);
    log.info(`dropped ${orphans.length} staging table(s) no run owns: ${orphans.join(', ')}`);
  }
  return run;
}
