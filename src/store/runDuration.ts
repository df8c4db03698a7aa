import { row, type Queryable } from './sql.js';

/** A finished run's wall time (started_at to finished_at) in ms, or null when it has not finished or is gone. */
export async function runDurationMs(q: Queryable, runId: number): Promise<number | null> {
  const us = (await row<{ us: number | string | null }>(q, 'SELECT TIMESTAMPDIFF(MICROSECOND, started_at, finished_at) AS us FROM match_runs WHERE id = ?', [runId]))?.us;
  return us === null || us === undefined ? null : Math.round(Number(us) / 1000);
}
