import type { Pool, PoolConnection } from 'mysql2/promise';
import { jobIdsQuery, talentIdsQuery, type Eligibility, type SqlQuery } from '../engine/eligibility.js';
import { sideFromRows, type RunSnapshot } from '../engine/snapshotCodec.js';
import { detectFacetDims } from './vectorReader.js';

/**
 * Both eligible sets from one consistent snapshot, so eligibility cannot shift
 * between them; readAt is the server's clock as the snapshot was taken, what
 * orders publishes (src/runs/publishOrder.ts).
 */
export async function readSnapshot(conn: PoolConnection, e: Eligibility): Promise<RunSnapshot & { readAt: Date }> {
  // For this transaction only: the pool's sessions read committed.
  await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  try {
    const [now] = await conn.query('SELECT CURRENT_TIMESTAMP(6) AS at');
    const readAt = (now as { at: Date }[])[0].at;
    const talents = await side(conn, talentIdsQuery(e));
    const jobs = await side(conn, jobIdsQuery(e));
    return { talents, jobs, readAt };
  } finally {
    await conn.query('COMMIT');
  }
}

async function side(conn: PoolConnection, q: SqlQuery) {
  const [rows] = await conn.query({ sql: q.sql, values: q.params, rowsAsArray: true });
  return sideFromRows((rows as unknown as [number | string, string][]).map(([id, hash]) => ({ id: Number(id), hash })));
}

/** What a run starts from: the snapshot and the stored facet dims, read on one connection. */
export async function readRunStart(pool: Pool, e: Eligibility): Promise<{ snapshot: RunSnapshot & { readAt: Date }; dims: number[] }> {
  const conn = await pool.getConnection();
  try {
    const snapshot = await readSnapshot(conn, e);
    return { snapshot, dims: await detectFacetDims(conn) };
  } finally {
    conn.release();
  }
}
