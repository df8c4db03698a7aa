import { hostname } from 'node:os';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';

export type RunStatus = 'succeeded' | 'failed' | 'interrupted';

/** Opens a match_runs row (kind='backfill', status='running') and returns its id. */
export async function startRun(db: Db, params: Record<string, unknown>, startedAt: Date): Promise<number> {
  const [res] = await db.pool.query<ResultSetHeader>(
    `INSERT INTO match_runs (kind, status, params, host, pid, started_at) VALUES ('backfill', 'running', ?, ?, ?, ?)`,
    [JSON.stringify(params), hostname(), process.pid, startedAt],
  );
  return res.insertId;
}

export async function finishRun(
  db: Db,
  id: number,
  r: { status: RunStatus; counts: unknown; timings: unknown; error?: string; finishedAt: Date },
): Promise<void> {
  await db.pool.query(`UPDATE match_runs SET status = ?, counts = ?, timings = ?, error = ?, finished_at = ? WHERE id = ?`, [
    r.status,
    JSON.stringify(r.counts),
    JSON.stringify(r.timings),
    r.error ?? null,
    r.finishedAt,
    id,
  ]);
}

/**
 * Dims inferred by an earlier backfill over identical source data (same
 * fingerprint, same --dim): lets a no-op run skip the full length scan.
 */
export async function cachedDims(db: Db, fingerprint: string, dimOverride: number | null): Promise<(number | null)[] | null> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT counts FROM match_runs WHERE kind = 'backfill' AND counts IS NOT NULL ORDER BY id DESC LIMIT 20`,
  );
  for (const r of rows) {
    const c = (typeof r.counts === 'string' ? JSON.parse(r.counts) : r.counts) as { fingerprint?: string; dimOverride?: number | null; dimList?: (number | null)[] };
    if (c?.fingerprint === fingerprint && (c.dimOverride ?? null) === dimOverride && Array.isArray(c.dimList)) return c.dimList;
  }
  return null;
}
