import type { Pool, PoolConnection } from 'mysql2/promise';
import type { Clock } from '../clock.js';
import { lockName } from '../db/advisoryLock.js';
import type { Db } from '../db/connect.js';
import { parseJson } from '../store/parseJson.js';
import { hasSucceeded, isUnfinished, MATCH_KINDS, transition, UNFINISHED, type RunStatus } from '../store/runLifecycle.js';
import { dropStaging, PUBLISHER_TABLE, tableExists } from '../store/resultTables.js';
import { deleteRunBookkeeping } from '../store/runStore.js';

type Q = Pool | PoolConnection;

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
  for (let from = 0; from < shards; from += 100) {
    const names = Array.from({ length: Math.min(100, shards - from) }, (_, i) => lockName(database, shardLockPurpose(runId, from + i)));
    const [rows] = await q.query(`SELECT ${names.map(() => 'IS_USED_LOCK(?) IS NOT NULL').join(' OR ')} AS alive`, names);
    if (Number((rows as { alive: number }[])[0].alive) === 1) return true;
  }
  return false;
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
  const [rows] = await db.pool.query(
    `SELECT r.id, r.run_key, r.shards, r.started_at, (SELECT MAX(b.finished_at) FROM match_run_blocks b WHERE b.run_id = r.id) AS last_block
       FROM match_runs r WHERE r.kind = 'full' AND r.status IN (?) ORDER BY r.id`,
    [UNFINISHED],
  );
  const out: StaleRun[] = [];
  for (const r of rows as Record<string, unknown>[]) {
    const id = Number(r.id);
    if (id === o.keep) continue;
    const key = r.run_key === null ? null : String(r.run_key);
    if (key === null && o.superseded) {
      out.push({ id, runKey: null, why: 'superseded by a newer one-process run' });
      continue;
    }
    const last = ((r.last_block as Date | null) ?? (r.started_at as Date)).getTime();
    const idleMs = clock.now().getTime() - last;
    if (idleMs < o.olderThanMs) continue;
    if (key === null) {
      out.push({ id, runKey: null, why: `stopped ${Math.round(idleMs / 3_600_000)}h ago and never resumed` });
      continue;
    }
    if (await shardsAlive(db.pool, db.settings.database, id, Number(r.shards ?? 1))) continue;
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
  const keep = new Set<number>();
  for (const t of ['match_published', 'match_published_previous']) {
    if (!(await tableExists(q, t))) continue;
    const [rows] = await q.query(`SELECT run_id, base_run_id FROM ${t}`);
    for (const r of rows as { run_id: number; base_run_id: number }[]) keep.add(Number(r.run_id)).add(Number(r.base_run_id));
  }
  const [rows] = await q.query(
    `SELECT DISTINCT r.id, r.kind, r.status, r.params FROM match_runs r JOIN match_run_parts p ON p.run_id = r.id WHERE r.kind IN (?)
     UNION SELECT DISTINCT r.id, r.kind, r.status, r.params FROM match_runs r JOIN match_run_blocks b ON b.run_id = r.id WHERE r.kind IN (?)`,
    [MATCH_KINDS, MATCH_KINDS],
  );
  const bases = [...keep];
  for (const r of rows as { id: number; kind: string; status: RunStatus; params: unknown }[]) {
    const id = Number(r.id);
    if (keep.has(id) || isUnfinished(r.status)) continue;
    const full = r.kind === 'incremental' ? parseJson<{ fullRunId?: number }>(r.params)?.fullRunId : undefined;
    if (hasSucceeded(r.status) && full !== undefined && bases.includes(full)) continue;
    await deleteRunBookkeeping(q, id);
  }
}

/** Staging tables (match_*_r<id>) that no unpublished run owns: left by a run row deleted by hand, or a copied database. */
export async function orphanStaging(q: Q): Promise<string[]> {
  const [tables] = await q.query('SELECT table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE()');
  const [ids] = await q.query('SELECT id FROM match_runs WHERE status IN (?)', [UNFINISHED]);
  const live = new Set((ids as { id: number }[]).map((r) => Number(r.id)));
  return (tables as { n: string }[])
    .map((t) => t.n)
    .filter((n) => /_r\d+$/.test(n) && PUBLISHER_TABLE.test(n) && !live.has(Number(n.slice(n.lastIndexOf('_r') + 2))));
}
