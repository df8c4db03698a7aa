import type { Clock } from '../clock.js';
import { lockName, locksHeld } from '../db/advisoryLock.js';
import type { Db } from '../db/connect.js';
import { hasSucceeded, isUnfinished, transition } from '../store/runLifecycle.js';
import { dropStaging, stagingTablesNotOf } from '../store/resultTables.js';
import { runsOfPublishedSets, runsWithBookkeeping, unfinishedFullRuns, unfinishedRunIds } from '../store/runHistory.js';
import { deleteRunBookkeeping } from '../store/runStore.js';
import type { Queryable as Q } from '../store/sql.js';

/** The lock a process holds while it works on one shard of a run. */
export const shardLockPurpose = (runId: number, shard: number): string => `run${runId}:s${shard}`;

/** Drops a run's staging tables and bookkeeping and marks it abandoned: it will never be published. */
export async function abandonRun(q: Q, clock: Clock, runId: number, why: string): Promise<void> {
  // First the status: a run another process just published is refused here, its tables untouched.
  await transition(q, clock, runId, 'abandon', { error: why.slice(0, 2000) });
  await dropStaging(q, runId);
  await deleteRunBookkeeping(q, runId);
}

/** Whether any process holds a shard lock of the run (a live shard). */
export async function shardsAlive(q: Q, database: string, runId: number, shards: number): Promise<boolean> {
  const names = Array.from({ length: shards }, (_, i) => lockName(database, shardLockPurpose(runId, i)));
  return (await locksHeld(q, names)).some(Boolean);
}

export interface StaleRun {
  id: number;
  runKey: string | null;
  why: string;
}

/**
 * Unpublished runs that will never finish on their own. Call it holding the
 * match lock, so no one-process run is alive: those other than `keep` are stale
 * when superseded (a new run replaces them; --resume only continues the newest)
 * or, with superseded false, idle for `olderThanMs`. Shared runs are stale with
 * no live shard and no progress for `olderThanMs`.
 */
export async function findStaleRuns(db: Db, clock: Clock, o: { keep?: number; olderThanMs: number; superseded: boolean }): Promise<StaleRun[]> {
  const out: StaleRun[] = [];
  for (const r of await unfinishedFullRuns(db.pool)) {
    const id = r.id;
    if (id === o.keep) continue;
    const key = r.runKey;
    if (key === null && o.superseded) {
      out.push({ id, runKey: null, why: 'superseded by a newer one-process run' });
      continue;
    }
    const last = (r.lastBlockAt ?? r.startedAt).getTime();
    const idleMs = clock.now().getTime() - last;
    if (idleMs < o.olderThanMs) continue;
    if (key === null) {
      out.push({ id, runKey: null, why: `stopped ${Math.round(idleMs / 3_600_000)}h ago and never resumed` });
      continue;
    }
    if (await shardsAlive(db.pool, db.settings.database, id, r.shards)) continue;
    out.push({ id, runKey: key, why: `no shard alive and no progress for ${Math.round(idleMs / 3_600_000)}h` });
  }
  return out;
}

/**
 * Bookkeeping nobody needs any more: parts and blocks of runs that are done
 * with (published and since replaced, rolled back, failed for good, abandoned).
 * Kept: unpublished runs (resumable), the runs of the live and previous sets
 * (their snapshots are what incremental runs diff against), and the incremental
 * runs on top of the live set (their undo data is what rollback restores).
 */
export async function pruneBookkeeping(q: Q): Promise<void> {
  const keep = await runsOfPublishedSets(q);
  for (const r of await runsWithBookkeeping(q)) {
    if (keep.has(r.id) || isUnfinished(r.status)) continue;
    if (hasSucceeded(r.status) && r.fullRunId !== undefined && keep.has(r.fullRunId)) continue;
    await deleteRunBookkeeping(q, r.id);
  }
}

/** Staging tables (match_*_r<id>) that no unpublished run owns: left by a run row deleted by hand, or a copied database. */
export async function orphanStaging(q: Q): Promise<string[]> {
  return stagingTablesNotOf(q, () => unfinishedRunIds(q));
}
