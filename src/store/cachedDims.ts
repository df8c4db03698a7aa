import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { parseJson } from '../store/parseJson.js';
import type { BackfillRunCounts } from '../store/runCounts.js';

/**
 * Dims inferred by an earlier backfill over identical source data (same
 * fingerprint, same --dim): lets a no-op run skip the full length scan.
 */
export async function cachedDims(db: Db, fingerprint: string, dimOverride: number | null): Promise<(number | null)[] | null> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT counts FROM match_runs WHERE kind = 'backfill' AND counts IS NOT NULL ORDER BY id DESC LIMIT 20`,
  );
  for (const r of rows) {
    const c = parseJson<BackfillRunCounts | null>(r.counts);
    if (c?.fingerprint === fingerprint && (c.dimOverride ?? null) === dimOverride && Array.isArray(c.dimList)) return c.dimList;
  }
  return null;
}
