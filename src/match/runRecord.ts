import { hostname } from 'node:os';
import type { Pool } from 'mysql2/promise';
import type { Clock } from '../clock.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'rolled_back';

/**
 * A match run's row in match_runs. JSON columns are written as strings: MariaDB's
 * JSON is LONGTEXT and returns strings, MySQL returns objects (see parseJson).
 */
export async function startRun(pool: Pool, clock: Clock, params: Record<string, unknown>): Promise<number> {
  const [res] = await pool.query(
    "INSERT INTO match_runs (kind, status, params, host, pid, started_at) VALUES ('match', 'running', ?, ?, ?, ?)",
    [JSON.stringify(params), hostname().slice(0, 255), process.pid, clock.now()],
  );
  return (res as { insertId: number }).insertId;
}

export async function finishRun(
  pool: Pool,
  clock: Clock,
  id: number,
  r: { status: RunStatus; counts: Record<string, unknown>; timings: Record<string, number>; error?: string },
): Promise<void> {
  await pool.query('UPDATE match_runs SET status = ?, counts = ?, timings = ?, error = ?, finished_at = ? WHERE id = ?', [
    r.status,
    JSON.stringify(r.counts),
    JSON.stringify(r.timings),
    r.error?.slice(0, 60_000) ?? null,
    clock.now(),
    id,
  ]);
}

/**
 * Called while holding the match lock: any match run still 'running' belongs to
 * a process that died without cleaning up (its lock went with its connection).
 */
export async function failStaleRuns(pool: Pool, clock: Clock): Promise<number[]> {
  const [rows] = await pool.query("SELECT id FROM match_runs WHERE kind = 'match' AND status = 'running'");
  const ids = (rows as { id: number }[]).map((r) => Number(r.id));
  if (ids.length) {
    await pool.query(
      "UPDATE match_runs SET status = 'failed', error = 'process ended without finishing (found by a later run)', finished_at = ? WHERE id IN (?)",
      [clock.now(), ids],
    );
  }
  return ids;
}

export async function setRunStatus(pool: Pool, id: number, status: RunStatus): Promise<void> {
  await pool.query('UPDATE match_runs SET status = ? WHERE id = ?', [status, id]);
}

export function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}
