import { hostname } from 'node:os';
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { Clock } from '../clock.js';
import { redact } from '../redact.js';

export type RunKind = 'match' | 'backfill';
export type RunStatus = 'preparing' | 'running' | 'succeeded' | 'failed' | 'interrupted' | 'rolled_back' | 'abandoned';
type Q = Pool | PoolConnection;

/**
 * A run's row in match_runs (every kind). JSON columns are written as strings:
 * MariaDB's JSON is LONGTEXT and returns strings, MySQL returns objects (parseJson).
 * Everything stored passes through redact(): an error message can quote anything.
 */
export async function startRun(q: Q, clock: Clock, kind: RunKind, params: Record<string, unknown>, o: { status?: RunStatus; runKey?: string | null; shards?: number } = {}): Promise<number> {
  const [res] = await q.query(
    'INSERT INTO match_runs (kind, status, params, host, pid, started_at, run_key, shards) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [kind, o.status ?? 'running', redact(JSON.stringify(params)), hostname().slice(0, 255), process.pid, clock.now(), o.runKey ?? null, o.shards ?? null],
  );
  return (res as { insertId: number }).insertId;
}

export async function finishRun(
  q: Q,
  clock: Clock,
  id: number,
  r: { status: RunStatus; counts?: Record<string, unknown>; timings?: Record<string, number>; error?: string },
): Promise<void> {
  await q.query('UPDATE match_runs SET status = ?, counts = COALESCE(?, counts), timings = COALESCE(?, timings), error = ?, finished_at = ? WHERE id = ?', [
    r.status,
    r.counts ? redact(JSON.stringify(r.counts)) : null,
    r.timings ? JSON.stringify(r.timings) : null,
    r.error === undefined ? null : redact(r.error).slice(0, 60_000),
    clock.now(),
    id,
  ]);
}

export async function setRunStatus(q: Q, id: number, status: RunStatus): Promise<void> {
  await q.query('UPDATE match_runs SET status = ? WHERE id = ?', [status, id]);
}

/**
 * Called while holding the kind's lock: a run of that kind still 'running' (or
 * 'preparing') belongs to a process that died without cleaning up (its lock went
 * with its connection). Runs shared by several processes (run_key set) are
 * not one process's: they stay resumable and are left to `fitmatch cleanup`.
 */
export async function failStaleRuns(q: Q, clock: Clock, kind: RunKind): Promise<number[]> {
  const [rows] = await q.query("SELECT id FROM match_runs WHERE kind = ? AND status IN ('running', 'preparing') AND run_key IS NULL", [kind]);
  const ids = (rows as { id: number }[]).map((r) => Number(r.id));
  if (ids.length) {
    await q.query("UPDATE match_runs SET status = 'failed', error = 'process ended without finishing (found by a later run)', finished_at = ? WHERE id IN (?)", [
      clock.now(),
      ids,
    ]);
  }
  return ids;
}

export function parseJson<T = unknown>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}
