import { exec, onConnection, row, rows, type Pool, type PoolConnection } from './sql.js';
import type { Eligibility } from '../engine/eligibility.js';
import { jobIdsQuery, talentIdsQuery, type SqlQuery } from './eligibilityQueries.js';
import { sideFromRows, type RunSnapshot } from '../engine/snapshotCodec.js';
import { detectFacetDims } from './vectorReader.js';

/**
 * Both eligible sets from one consistent snapshot, so eligibility cannot shift
 * between them; readAt is the server's clock as the snapshot was taken, what
 * orders publishes (src/runs/publishOrder.ts).
 */
export async function readSnapshot(conn: PoolConnection, e: Eligibility): Promise<RunSnapshot & { readAt: Date }> {
  // For this transaction only: the pool's sessions read committed.
  await exec(conn, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await exec(conn, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  try {
    const readAt = (await row<{ at: Date }>(conn, 'SELECT CURRENT_TIMESTAMP(6) AS at'))!.at;
    const talents = await side(conn, talentIdsQuery(e));
    const jobs = await side(conn, jobIdsQuery(e));
    return { talents, jobs, readAt };
  } finally {
    await exec(conn, 'COMMIT');
  }
}

async function side(conn: PoolConnection, q: SqlQuery) {
  const found = await rows<[number | string, string]>(conn, { sql: q.sql, values: q.params, rowsAsArray: true });
  return sideFromRows(found.map(([id, hash]) => ({ id: Number(id), hash })));
}

/** What a run starts from: the snapshot and the stored facet dims, read on one connection. */
export async function readRunStart(pool: Pool, e: Eligibility): Promise<{ snapshot: RunSnapshot & { readAt: Date }; dims: number[] }> {
  return onConnection(pool, async (conn) => {
    const snapshot = await readSnapshot(conn, e);
    return { snapshot, dims: await detectFacetDims(conn) };
  });
}
