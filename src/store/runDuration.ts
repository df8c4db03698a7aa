import type { Pool } from 'mysql2/promise';

/** A finished run's wall time (started_at to finished_at) in ms, or null when it has not finished or is gone. */
export async function runDurationMs(pool: Pool, runId: number): Promise<number | null> {
  const [rows] = await pool.query('SELECT TIMESTAMPDIFF(MICROSECOND, started_at, finished_at) AS us FROM match_runs WHERE id = ?', [runId]);
  const us = (rows as { us: number | string | null }[])[0]?.us;
  return us === null || us === undefined ? null : Math.round(Number(us) / 1000);
}
