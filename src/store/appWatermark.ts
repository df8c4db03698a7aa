import { row, type Pool } from './sql.js';

/**
 * What a watcher compares between polls: per app table (and per embeddings
 * table) a count, the highest id and an order-free checksum of the columns
 * that decide what fitmatch reads (never the payloads themselves), plus the
 * newest updated_at of the app's tables. Any insert,
 * delete, or update of those columns changes it; an update that touches only
 * a payload is seen through updated_at, which the app sets on every write
 * (backfill relies on the same: a row is re-read when its updated_at moved).
 */
export interface AppWatermark {
  /** Equal keys: nothing fitmatch reads has changed. */
  key: string;
  /** The newest updated_at over the watched tables, as the server prints it (compared in SQL, never converted). */
  maxUpdatedAt: string | null;
}

const APP: { table: string; id: string; columns: string }[] = [
  { table: 'matching_vectors', id: 'id', columns: 'id, updated_at, role, user_id, job_posting_id' },
  { table: 'job_postings', id: 'id', columns: 'id, updated_at, status, deadline_date, deleted_at, company_id' },
  { table: 'companies', id: 'id', columns: 'id, updated_at, owner_user_id' },
  { table: 'users', id: 'id', columns: 'id, updated_at, role, deleted_at' },
  { table: 'talent_profiles', id: 'user_id', columns: 'user_id, updated_at, deleted_at' },
];

/** fitmatch's own embeddings, which another process (a backfill run by hand or on its own schedule) may write. */
const EMBEDDINGS: { table: string; id: string; columns: string }[] = [
  { table: 'talent_embeddings', id: 'talent_user_id', columns: 'talent_user_id, vectors_hash, facet_mask' },
  { table: 'job_embeddings', id: 'job_posting_id', columns: 'job_posting_id, vectors_hash, facet_mask' },
];

const part = (w: (typeof APP)[number]) =>
  `(SELECT CONCAT_WS(':', COUNT(*), COALESCE(MAX(${w.id}), 0), COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', ${w.columns}))), 0)) FROM ${w.table})`;

const WATERMARK_SQL = `SELECT CONCAT_WS('/', ${[...APP, ...EMBEDDINGS].map(part).join(', ')}) AS k,
  CAST(GREATEST(${APP.map((w) => `COALESCE((SELECT MAX(updated_at) FROM ${w.table}), '1000-01-01 00:00:00')`).join(', ')}) AS CHAR) AS maxUpdated`;

/** One round trip over the app's tables: index and row-header scans, no payload read. */
export async function readAppWatermark(pool: Pool): Promise<AppWatermark> {
  const r = (await row<{ k: string; maxUpdated: string | null }>(pool, WATERMARK_SQL))!;
  const max = r.maxUpdated && !r.maxUpdated.startsWith('1000-01-01') ? r.maxUpdated : null;
  return { key: r.k, maxUpdatedAt: max };
}

/**
 * Milliseconds from the oldest app write in (after, upTo] (updated_at, the app's
 * clock as the server stored it) to the server's clock now: how long the
 * oldest change a pass published waited. Null when no row carries such a time
 * (e.g. a status changed by hand without touching updated_at).
 */
export async function oldestWriteAgeMs(pool: Pool, after: string, upTo: string): Promise<number | null> {
  const mins = APP.map((w) => `SELECT MIN(updated_at) AS t FROM ${w.table} WHERE updated_at > ? AND updated_at <= ?`).join(' UNION ALL ');
  const us = (await row<{ us: number | string | null }>(pool, `SELECT TIMESTAMPDIFF(MICROSECOND, MIN(t), CURRENT_TIMESTAMP(6)) AS us FROM (${mins}) AS oldest`, APP.flatMap(() => [after, upTo])))?.us;
  return us === null || us === undefined ? null : Math.round(Number(us) / 1000);
}
