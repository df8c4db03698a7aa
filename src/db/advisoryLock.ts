import { createHash } from 'node:crypto';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { ExitCode, FitmatchError, LockedError, messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import type { Db } from './connect.js';

/** A result row of the shape a statement selects (mysql2's typed query). */
type Row<T> = T & RowDataPacket;

export interface HeldLock {
  name: string;
  /** The dedicated connection the lock lives on; closing it releases the lock. */
  conn: PoolConnection;
  /** Throws LockLostError unless this connection still holds the lock: call it before every write that relies on it. */
  assertHeld(): Promise<void>;
  /** Never throws: a dead connection has released the lock already. */
  release(): Promise<void>;
}

/** The lock's connection died (server restart, idle timeout, KILL): another process may now hold it. */
export class LockLostError extends FitmatchError {
  constructor(name: string, cause?: unknown) {
    super(
      `lost the lock "${name}" (its database connection closed${cause ? `: ${messageOf(cause)}` : ''}); stopped before writing anything more, so another process cannot be overwritten; run again`,
      ExitCode.DB_UNAVAILABLE,
      { cause },
    );
    this.name = 'LockLostError';
  }
}

/** GET_LOCK names are server-wide and at most 64 characters on MySQL 8: scope by database, hash if long. */
export function lockName(database: string, purpose: string): string {
  const name = `fitmatch:${database}:${purpose}`;
  return name.length <= 64 ? name : `fitmatch:${createHash('sha1').update(name).digest('hex')}`;
}

/** Throws LockedError when another connection holds the lock now (a probe: it takes nothing). */
export async function assertLockFree(db: Db, purpose: string, holder: string): Promise<void> {
  const name = lockName(db.settings.database, purpose);
  const [rows] = await db.pool.query<Row<{ free: number | null }>[]>('SELECT IS_FREE_LOCK(?) AS free', [name]);
  if (Number(rows[0]?.free) !== 1) throw new LockedError(name, holder);
}

/** The longest single GET_LOCK wait; longer waits repeat it. */
const WAIT_SLICE_SECONDS = 10;

/** How often the lock's connection is used while the run works: idle-connection killers (wait_timeout, proxies) then leave it alone. */
const KEEPALIVE_MS = 20_000;

/**
 * Locks of this process lost and not yet released, per pool. A run's locks
 * stand together: once its match lock is gone, another process may take over
 * the run and drop its staging, so its shard lock must not vouch for another
 * write either.
 */
const lostOnPool = new WeakMap<object, Set<LockLostError>>();
const lostLocks = (db: Db): Set<LockLostError> => {
  let set = lostOnPool.get(db.pool);
  if (!set) lostOnPool.set(db.pool, (set = new Set()));
  return set;
};

export interface AcquireOptions {
  /** Seconds GET_LOCK may wait; 0 fails at once with LockedError (exit 4). */
  waitSeconds?: number;
  /** Who holds it, for the LockedError message ("a fitmatch match or rollback"). */
  holder?: string;
  /** Called once when the lock is found gone (its connection closed, a ping or assertHeld failed), so the run can stop at its next boundary. */
  onLost?: (e: LockLostError) => void;
  /** Says once, as a `lock_wait` event, that the lock is busy and how long this process waits for it. */
  log?: Pick<Logger, 'event'>;
}

/**
 * Takes a named advisory lock on one dedicated connection held for the whole run,
 * pings it so no idle timeout closes it, and lets the run check, before each
 * write, that it still holds the lock (IS_USED_LOCK = CONNECTION_ID()).
 */
export async function acquireLock(db: Db, purpose: string, opts: AcquireOptions = {}): Promise<HeldLock> {
  const name = lockName(db.settings.database, purpose);
  const conn = await db.pool.getConnection();
  try {
    // A first try without waiting, so that any wait, however short, is logged once; then
    // long waits (--wait-lock 30m) in slices, so that no single statement outlives --query-timeout.
    const deadline = Date.now() + (opts.waitSeconds ?? 0) * 1000;
    let slice = 0;
    for (;;) {
      const [rows] = await conn.query<Row<{ got: number | null }>[]>('SELECT GET_LOCK(?, ?) AS got', [name, slice]);
      if (rows[0]?.got === 1) break;
      if (Date.now() >= deadline) throw new LockedError(name, opts.holder);
      if (slice === 0) opts.log?.event('lock_wait', { lock: name, waitSeconds: opts.waitSeconds }, `${opts.holder ?? 'another fitmatch process'} holds the lock "${name}"; waiting up to ${opts.waitSeconds} s for it (--wait-lock)`);
      slice = Math.max(1, Math.min(WAIT_SLICE_SECONDS, Math.ceil((deadline - Date.now()) / 1000)));
    }
  } catch (e) {
    conn.release();
    throw e;
  }
  let lost: LockLostError | null = null;
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const lostOnThisPool = lostLocks(db);
  const markLost = (e: LockLostError) => {
    if (lost || released) return;
    lost = e;
    clearInterval(timer);
    lostOnThisPool.add(e);
    opts.onLost?.(e);
  };
  // The server closing the connection (KILL, wait_timeout, a restart) is noticed at once, not at the next ping.
  const onEnd = () => markLost(new LockLostError(name));
  const onError = (e: unknown) => markLost(new LockLostError(name, e));
  conn.on('end', onEnd);
  conn.on('error', onError);
  const check = async () => {
    if (lost) throw lost;
    const other = lostOnThisPool.values().next().value;
    if (other) throw other;
    try {
      const [rows] = await conn.query<Row<{ held: number | null }>[]>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS held', [name]);
      if (Number(rows[0]?.held) !== 1) markLost(new LockLostError(name));
    } catch (e) {
      markLost(new LockLostError(name, e));
    }
    if (lost) throw lost;
  };
  timer = setInterval(() => check().catch(() => undefined), KEEPALIVE_MS);
  timer.unref();
  return {
    name,
    conn,
    assertHeld: check,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      conn.off('end', onEnd);
      conn.off('error', onError);
      if (lost) lostOnThisPool.delete(lost);
      // Closing the connection releases the lock too, without waiting on a server that stopped answering.
      if (lost || db.stalled()) {
        conn.destroy();
        return;
      }
      try {
        await conn.query('SELECT RELEASE_LOCK(?)', [name]);
        conn.release();
      } catch {
        conn.destroy();
      }
    },
  };
}

/** Whether some session holds the lock right now (a hint only: it may be taken a moment later). */
export async function lockHolder(db: Db, purpose: string): Promise<number | null> {
  const [rows] = await db.pool.query<Row<{ holder: number | string | null }>[]>('SELECT IS_USED_LOCK(?) AS holder', [lockName(db.settings.database, purpose)]);
  const h = rows[0]?.holder;
  return h === null || h === undefined ? null : Number(h);
}

/** Which of the named locks some session holds right now (hints only), asked 100 at a time. */
export async function locksHeld(q: Pool | PoolConnection, names: readonly string[]): Promise<boolean[]> {
  const held: boolean[] = [];
  for (let from = 0; from < names.length; from += 100) {
    const chunk = names.slice(from, from + 100);
    const [rows] = await q.query<Row<Record<number, number>>[]>({ sql: `SELECT ${chunk.map(() => 'IS_USED_LOCK(?) IS NOT NULL').join(', ')}`, values: chunk, rowsAsArray: true });
    held.push(...chunk.map((_, i) => Number(rows[0][i]) === 1));
  }
  return held;
}
