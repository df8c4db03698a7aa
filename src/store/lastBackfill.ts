import type { Pool, PoolConnection } from 'mysql2/promise';
import { parseJson } from './runRecord.js';

export interface FinishedBackfill {
  id: number;
  counts: { rowSkips?: Record<string, { count: number }>; facetSkips?: Record<string, { count: number }> } & Record<string, unknown>;
}

/** The newest backfill run that succeeded: what the next run's skips are compared with. */
export async function lastSucceededBackfill(q: Pool | PoolConnection): Promise<FinishedBackfill | null> {
  const [rows] = await q.query("SELECT id, counts FROM match_runs WHERE kind = 'backfill' AND status = 'succeeded' ORDER BY id DESC LIMIT 1");
  const r = (rows as { id: number; counts: unknown }[])[0];
  return r ? { id: Number(r.id), counts: parseJson<FinishedBackfill['counts'] | null>(r.counts) ?? {} } : null;
}
