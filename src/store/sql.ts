import type { Pool, PoolConnection, QueryOptions } from 'mysql2/promise';

/** What a store function runs its statements on: the pool, or one connection (a lock's, a transaction's). */
export type Queryable = Pool | PoolConnection;
export type { Pool, PoolConnection };

type Statement = string | QueryOptions;

/**
 * The rows of a SELECT, typed as the caller says they come back. The one place a
 * result set is given a shape: each store function names the columns it selects.
 */
export async function rows<T>(q: Queryable, sql: Statement, params?: unknown[]): Promise<T[]> {
  const [result] = typeof sql === 'string' ? await q.query(sql, params) : await q.query(sql);
  return result as T[];
}

/** The first row, or undefined. */
export async function row<T>(q: Queryable, sql: Statement, params?: unknown[]): Promise<T | undefined> {
  return (await rows<T>(q, sql, params))[0];
}

export interface Affected {
  affectedRows: number;
  insertId: number;
}

/** A statement that changes data (or the schema): the rows it affected and the id it inserted. */
export async function exec(q: Queryable, sql: Statement, params?: unknown[]): Promise<Affected> {
  return affected((typeof sql === 'string' ? await q.query(sql, params) : await q.query(sql))[0]);
}

/** The same as a prepared statement (binary protocol: large BLOBs go as they are, unescaped). */
export async function execPrepared(q: Queryable, sql: string, params: PreparedValues): Promise<Affected> {
  return affected((await q.execute(sql, params))[0]);
}
type PreparedValues = Parameters<PoolConnection['execute']>[1];

function affected(result: unknown): Affected {
  const r = result as Partial<Affected>;
  return { affectedRows: r.affectedRows ?? 0, insertId: r.insertId ?? 0 };
}

/** `fn` in one transaction on `conn`: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(conn: PoolConnection, fn: () => Promise<T>): Promise<T> {
  await conn.beginTransaction();
  try {
    const out = await fn();
    await conn.commit();
    return out;
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}

/** `fn` on one connection of the pool, released after. */
export async function onConnection<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  try {
    return await fn(conn);
  } finally {
    conn.release();
  }
}

/** The tables of the current database (information_schema, read in one place). */
export async function existingTables(q: Queryable): Promise<Set<string>> {
  return new Set((await rows<{ n: string }>(q, 'SELECT table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE()')).map((r) => r.n));
}

export async function tableExists(q: Queryable, name: string): Promise<boolean> {
  return (await rows(q, 'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [name])).length > 0;
}
