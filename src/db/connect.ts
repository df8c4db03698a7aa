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
    connectionLimit: 8,
    enableKeepAlive: true,
  };
}

/** Opens a pool and proves the server is reachable, so a bad URL fails fast with exit code 3. */
export async function connect(settings: DbSettings): Promise<Db> {
  const pool = mysql.createPool(poolOptions(settings));
  const db: Db = {
    pool,
    orm: drizzle(pool),
    settings,
    close: async () => {
      openPools.delete(db);
      await pool.end();
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
        ? ' (is MySQL/MariaDB running? see README "Troubleshooting")'
        : err.code === 'ER_BAD_DB_ERROR'
          ? ' (create the database first, or fix the name in DATABASE_URL)'
          : '';
  return new FitmatchError(redact(`cannot connect to ${settings.display}: ${err.message ?? String(e)}${hint}`), ExitCode.DB_UNAVAILABLE, { cause: e });
}
