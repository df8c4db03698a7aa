import { createHash } from 'node:crypto';
import type { PoolConnection } from 'mysql2/promise';
import { LockedError } from '../errors.js';
import type { Db } from './connect.js';

export interface HeldLock {
  name: string;
  /** The dedicated connection the lock lives on; closing it releases the lock. */
  conn: PoolConnection;
  release(): Promise<void>;
}

/** GET_LOCK names are server-wide and at most 64 characters on MySQL 8: scope by database, hash if long. */
export function lockName(database: string, purpose: string): string {
  const name = `fitmatch:${database}:${purpose}`;
  return name.length <= 64 ? name : `fitmatch:${createHash('sha1').update(name).digest('hex')}`;
}

/**
 * Takes a named advisory lock on one dedicated connection held for the whole run.
 * waitSeconds=0 fails at once with LockedError (exit code 4).
 */
export async function acquireLock(db: Db, purpose: string, waitSeconds = 0): Promise<HeldLock> {
  const name = lockName(db.settings.database, purpose);
  const conn = await db.pool.getConnection();
  try {
    const [rows] = await conn.query('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds]);
    if ((rows as { got: number | null }[])[0]?.got !== 1) throw new LockedError(name);
  } catch (e) {
    conn.release();
    throw e;
  }
  let released = false;
  return {
    name,
    conn,
    release: async () => {
      if (released) return;
      released = true;
      try {
        await conn.query('SELECT RELEASE_LOCK(?)', [name]);
      } finally {
        conn.release();
      }
    },
  };
}
