import { FitmatchError, isConnectionLost, messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { abortableSleep } from '../shutdown.js';
import { LockLostError } from './advisoryLock.js';

/** Server errors that say "try the same thing again": lock wait timeout, deadlock. */
const RETRYABLE_SQL = new Set(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']);

/**
 * Whether `e` is worth another attempt: a lost connection or
 * a restarting server (the lock held on that connection is lost with it), a lock
 * wait timeout (1205) or a deadlock (1213). A query that got no answer within
 * --query-timeout is not: a frozen server would hold every attempt that long.
 */
export function isTransient(e: unknown): boolean {
  // Our own verdicts are final (e.g. a RENAME that already retried its lock waits), except a lock lost with its
  // connection: the next attempt takes the lock again, or exits 4 if another process got it meanwhile.
  if (e instanceof LockLostError) return true;
  if (e instanceof FitmatchError) return false;
  const x = e as { code?: string } | undefined;
  if (!x || x.code === 'PROTOCOL_SEQUENCE_TIMEOUT') return false;
  return (x.code !== undefined && RETRYABLE_SQL.has(x.code)) || isConnectionLost(x);
}

export interface RetryPolicy {
  /** Attempts after the first; 0 = fail on the first error. */
  retries: number;
  /** First delay; each next one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };

export const retryDelay = (p: RetryPolicy, retry: number): number => Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** retry);

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, the stop
 * signal fires or the budget is spent (then the last error is thrown as is, so
 * the exit code is the one it maps to). Every attempt must be safe to repeat:
 * fitmatch's commands resume from what earlier attempts committed.
 */
export async function withRetry<T>(what: string, attempt: (retry: number) => Promise<T>, o: { policy: RetryPolicy; log: Logger; signal: AbortSignal }): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry);
    } catch (e) {
      if (o.signal.aborted || !isTransient(e) || retry >= o.policy.retries) throw e;
      const delay = retryDelay(o.policy, retry);
      o.log.warn(`${what}: ${messageOf(e)}; retrying in ${(delay / 1000).toFixed(0)} s (retry ${retry + 1} of ${o.policy.retries}), resuming from what is committed`);
      await abortableSleep(delay, o.signal);
    }
  }
}
