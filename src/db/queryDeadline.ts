import type { Pool, PoolConnection } from 'mysql2/promise';

/** What a statement that outlived its deadline rejects with: mysql2's own code for a query timeout, fatal like a lost connection. */
export function deadlineError(): Error {
  return Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT', fatal: true });
}

/** Once one statement went unanswered, the next ones get this long: cleanup after a frozen server must not wait a full deadline per step. */
const STALLED_DEADLINE_MS = 1000;

/** Connection methods that wait for the server. */
const WAITS = new Set(['query', 'execute', 'beginTransaction', 'commit', 'rollback', 'ping', 'prepare', 'changeUser']);

export interface GuardedPool {
  pool: Pool;
  /** A statement missed its deadline and none has been answered since: the server is frozen or gone. */
  stalled(): boolean;
}

/**
 * Gives every call that waits for the server a deadline counted from the call.
 * mysql2's own `timeout` option is not enough: its clock starts only when the
 * command reaches the front of the connection's queue (a query queued behind
 * one that hangs never times out), prepare/COMMIT have none, and the
 * connection it leaves behind still waits for the lost answer and goes back to
 * the pool. Here a missed deadline destroys the connection, so nothing else
 * ever queues behind it.
 */
export function withQueryDeadline(pool: Pool, timeoutMs: number): GuardedPool {
  let stalled = false;
  const ms = () => (stalled ? Math.min(timeoutMs, STALLED_DEADLINE_MS) : timeoutMs);
  const watch = <T>(call: () => Promise<T>, onMiss: () => void, onLate: (v: T) => void = () => undefined) =>
    deadline(call, ms(), {
      onMiss: () => {
        stalled = true;
        onMiss();
      },
      onAnswer: (answered) => (stalled = !answered),
      onLate,
    });
  const guardConnection = (conn: PoolConnection): PoolConnection =>
    new Proxy(conn, {
      get(obj, prop, receiver) {
        const v = Reflect.get(obj, prop, receiver);
        if (typeof v !== 'function') return v;
        if (typeof prop !== 'string' || !WAITS.has(prop)) return v.bind(obj);
        return (...args: unknown[]) => watch(() => v.apply(obj, args) as Promise<unknown>, () => destroyNow(obj));
      },
    });
  const getConnection = async () =>
    guardConnection(
      await watch(
        () => pool.getConnection(),
        () => undefined,
        (late) => late.release(),
      ),
    );
  const onOwnConnection = (method: 'query' | 'execute') => async (...args: unknown[]) => {
    const conn = await getConnection();
    try {
      return await (conn[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    } finally {
      conn.release();
    }
  };
  const guarded: Record<string, unknown> = { getConnection, query: onOwnConnection('query'), execute: onOwnConnection('execute') };
  return {
    pool: new Proxy(pool, {
      get(obj, prop, receiver) {
        if (typeof prop === 'string' && prop in guarded) return guarded[prop];
        const v = Reflect.get(obj, prop, receiver);
        return typeof v === 'function' ? v.bind(obj) : v;
      },
    }),
    stalled: () => stalled,
  };
}

/** destroy() only half-closes the socket, which then waits for a goodbye a frozen server never sends. */
function destroyNow(conn: PoolConnection): void {
  conn.destroy();
  (conn.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
}

/** Runs `call`; if it has not settled within ms, runs onMiss and rejects with deadlineError() (onLate gets a value that came too late). */
function deadline<T>(call: () => Promise<T>, ms: number, on: { onMiss: () => void; onAnswer: (answered: boolean) => void; onLate: (v: T) => void }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let missed = false;
    const timer = setTimeout(() => {
      missed = true;
      on.onMiss();
      reject(deadlineError());
    }, ms);
    // The call itself keeps the process alive while it waits; its deadline alone must not.
    timer.unref();
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (v) => {
        clearTimeout(timer);
        if (missed) return on.onLate(v);
        on.onAnswer(true);
        resolve(v);
      },
      (e: { sqlMessage?: string; code?: string }) => {
        clearTimeout(timer);
        if (missed) return;
        // A server message is an answer; a connect timeout is a server that does not answer, like a missed deadline.
        if (e?.sqlMessage !== undefined) on.onAnswer(true);
        else if (e?.code === 'ETIMEDOUT' || e?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') on.onAnswer(false);
        reject(e);
      },
    );
  });
}
