import { describe, expect, it } from 'vitest';
import { LockLostError } from '../../../src/db/advisoryLock.js';
import { isTransient, retryDelay, withRetry } from '../../../src/db/retry.js';
import { FitmatchError, ExitCode } from '../../../src/errors.js';
import { memoryLogger } from '../../../src/log.js';

const err = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code, ...extra });
const fast = { retries: 3, baseDelayMs: 1, maxDelayMs: 4 };

describe('isTransient', () => {
  it('retries lost connections, restarts, lock wait timeouts and deadlocks', () => {
    for (const code of ['PROTOCOL_CONNECTION_LOST', 'ECONNREFUSED', 'ECONNRESET', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']) {
      expect(isTransient(err(code)), code).toBe(true);
    }
  });
  it('retries a lock lost with its connection', () => {
    expect(isTransient(new LockLostError('fitmatch:db:match', err('PROTOCOL_CONNECTION_LOST', { fatal: true })))).toBe(true);
    expect(isTransient(new LockLostError('fitmatch:db:match'))).toBe(true);
  });
  it('does not retry SQL the server refused, a query timeout, or our own refusals', () => {
    expect(isTransient(err('ER_NO_SUCH_TABLE', { sqlMessage: 'no table' }))).toBe(false);
    expect(isTransient(err('ER_DUP_ENTRY'))).toBe(false);
    expect(isTransient(err('PROTOCOL_SEQUENCE_TIMEOUT', { fatal: true }))).toBe(false);
    expect(isTransient(new FitmatchError('refusing to publish', ExitCode.REFUSED))).toBe(false);
    // A RENAME that gave up after its own lock-wait retries is a verdict, not a blip.
    expect(isTransient(new FitmatchError('stayed locked', ExitCode.FAILED, { cause: err('ER_LOCK_WAIT_TIMEOUT') }))).toBe(false);
  });
});

describe('withRetry', () => {
  it('doubles the delay up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((r) => retryDelay({ retries: 9, baseDelayMs: 1000, maxDelayMs: 5000 }, r))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('repeats a transient failure until it succeeds, and says so', async () => {
    const log = memoryLogger();
    const seen: number[] = [];
    const out = await withRetry('match', async (retry) => {
      seen.push(retry);
      if (retry < 2) throw err('PROTOCOL_CONNECTION_LOST', { fatal: true });
      return 'done';
    }, { policy: fast, log, signal: new AbortController().signal });
    expect(out).toBe('done');
    expect(seen).toEqual([0, 1, 2]);
    expect(log.lines.filter((l) => l.includes('retrying in'))).toHaveLength(2);
  });

  it('throws the last error once the budget is spent', async () => {
    let n = 0;
    const last = err('ECONNREFUSED');
    await expect(withRetry('backfill', async () => {
      n++;
      throw n > 3 ? last : err('ECONNREFUSED');
    }, { policy: fast, log: memoryLogger(), signal: new AbortController().signal })).rejects.toBe(last);
    expect(n).toBe(4);
  });

  it('does not retry a permanent error, nor after a stop was asked for', async () => {
    let n = 0;
    await expect(withRetry('x', async () => {
      n++;
      throw err('ER_NO_SUCH_TABLE', { sqlMessage: 'gone' });
    }, { policy: fast, log: memoryLogger(), signal: new AbortController().signal })).rejects.toThrow('ER_NO_SUCH_TABLE');
    expect(n).toBe(1);
    const stop = new AbortController();
    let m = 0;
    await expect(withRetry('x', async () => {
      m++;
      stop.abort(new Error('SIGTERM'));
      throw err('ECONNRESET');
    }, { policy: fast, log: memoryLogger(), signal: stop.signal })).rejects.toThrow('ECONNRESET');
    expect(m).toBe(1);
  });
});
