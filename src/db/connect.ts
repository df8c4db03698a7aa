import mysql from 'mysql2/promise';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import type { DbSettings } from '../config.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { redact } from '../redact.js';

export interface Db {
  pool: mysql.Pool;
  orm: MySql2Database;
  settings: DbSettings;
  close(): Promise<void>;
}

/** Pools not yet closed; tests assert this is empty after each file. */
export const openPools = new Set<Db>();

export function poolOptions(s: DbSettings, database: string | null = s.database): mysql.PoolOptions {
  return {
    host: s.host,
    port: s.port,
    user: s.user,
    password: s.password,
    ...(database ? { database } : {}),
    charset: 'utf8mb4_unicode_ci',
    // Dates are stored without zone; reading them as UTC keeps them stable across machines.
    timezone: 'Z',
    supportBigNumbers: true,
    connectionLimit: 12,
    connectTimeout: 10_000,
    enableKeepAlive: true,
  };
}

type QueryFn = (sql: unknown, values?: unknown) => Promise<unknown>;

/**
 * Gives every statement a client-side deadline: a frozen server (SIGSTOP, a hung
 * failover) answers TCP keepalives from the kernel, so only a query timeout turns
 * "hangs forever" into exit 3. Applied to the pool and to every connection taken
 * from it, so no call site can forget it.
 */
function withQueryTimeout<T extends object>(target: T, timeoutMs: number): T {
  const timed = (fn: QueryFn): QueryFn => (sql, values) => {
    const opts = typeof sql === 'string' ? { sql } : (sql as Record<string, unknown>);
    return fn({ timeout: timeoutMs, ...opts }, values);
  };
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const v = Reflect.get(obj, prop, receiver);
      if (typeof v !== 'function') return v;
      if (prop === 'query' || prop === 'execute') return timed(v.bind(obj));
      if (prop === 'getConnection') return async () => withQueryTimeout(await v.call(obj), timeoutMs);
      return v.bind(obj);
    },
  });
}

/** Opens a pool and proves the server is reachable, so a bad URL fails fast with exit code 3. */
export async function connect(settings: DbSettings, opts: { queryTimeoutMs?: number } = {}): Promise<Db> {
  const raw = mysql.createPool(poolOptions(settings));
  // Timestamps the server fills in (CURRENT_TIMESTAMP) are UTC, like every Date fitmatch writes.
  // READ COMMITTED: no gap locks, so shards writing neighbouring blocks of one staging table never deadlock.
  // (Callbacks so that a connection dying right away reports through its first real query, not an unhandled event.)
  const ignore = () => undefined;
  raw.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'", ignore);
    conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', ignore);
  });
  const pool = withQueryTimeout(raw, opts.queryTimeoutMs ?? 600_000);
  const db: Db = {
    pool,
    orm: drizzle(raw),
    settings,
    close: async () => {
      openPools.delete(db);
      // pool.end() says goodbye to the server and waits for it: a dead or frozen one would hang us here.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([raw.end().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 3000)))]);
      clearTimeout(timer);
    },
  };
  openPools.add(db);
  try {
    const conn = await pool.getConnection();
    conn.release();
  } catch (e) {
    await db.close();
    throw dbUnavailable(settings, e);
  }
  return db;
}

export function dbUnavailable(settings: DbSettings, e: unknown): FitmatchError {
  const err = e as { code?: string; message?: string };
  const hint =
    err.code === 'ER_ACCESS_DENIED_ERROR'
      ? ' (check the user and password in DATABASE_URL)'
      : err.code === 'ECONNREFUSED'
        ? ' (is MySQL/MariaDB running? see docs/troubleshooting.md)'
        : err.code === 'ER_BAD_DB_ERROR'
          ? ' (create the database first, or fix the name in DATABASE_URL)'
          : '';
  return new FitmatchError(redact(`cannot connect to ${settings.display}: ${err.message ?? String(e)}${hint}`), ExitCode.DB_UNAVAILABLE, { cause: e });
}
