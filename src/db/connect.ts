import mysql from 'mysql2/promise';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import type { DbSettings } from './dbSettings.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { redact } from '../redact.js';
import { withQueryDeadline } from './queryDeadline.js';

export interface Db {
  pool: mysql.Pool;
  orm: MySql2Database;
  settings: DbSettings;
  /** A statement went unanswered within --query-timeout and none has been answered since: cleanup should not wait on the server. */
  stalled(): boolean;
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

/** Opens a pool and proves the server is reachable, so a bad URL fails fast with exit code 3. */
export async function connect(settings: DbSettings, opts: { queryTimeoutMs?: number } = {}): Promise<Db> {
  const timeoutMs = opts.queryTimeoutMs ?? 600_000;
  // A server that accepts TCP but never greets (frozen) counts against the same patience as a query.
  const raw = mysql.createPool({ ...poolOptions(settings), connectTimeout: Math.min(10_000, timeoutMs) });
  const sockets = new Set<{ destroy(): void }>();
  raw.pool.on('connection', (conn) => {
    const socket = (conn as unknown as { stream: { destroy(): void } }).stream;
    sockets.add(socket);
    conn.once('end', () => sockets.delete(socket));
    // Timestamps the server fills in (CURRENT_TIMESTAMP) are UTC, like every Date fitmatch writes. A failure here
    // means the connection is dead: the statement queued behind it reports that (and a hang meets its deadline).
    conn.query("SET time_zone = '+00:00'", () => undefined);
    // READ COMMITTED: no gap locks, so shards writing neighbouring blocks of one staging table never deadlock.
    conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', () => undefined);
  });
  const { pool, stalled } = withQueryDeadline(raw, timeoutMs);
  const db: Db = {
    pool,
    orm: drizzle(raw),
    settings,
    stalled,
    close: async () => {
      openPools.delete(db);
      // pool.end() says goodbye to the server and waits for it: a dead or frozen one would hang us here, and its
      // half-open sockets would keep the process alive.
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([raw.end().then(() => true, () => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), stalled() ? 1000 : 3000)))]);
      clearTimeout(timer);
      if (!ended) for (const socket of sockets) socket.destroy();
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
