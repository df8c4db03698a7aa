/**
 * Exit codes are a contract with cron and CI (documented in README "Exit codes").
 * Commands log a human message, then throw a FitmatchError; the single top-level
 * catch in runCommand.ts turns it into the process exit code.
 */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  DB_UNAVAILABLE: 3,
  LOCKED: 4,
  INTERRUPTED: 5,
  FAILED: 6,
  NOT_MIGRATED: 7,
  REFUSED: 8,
  SKIPPED_ROWS: 9,
  CHECK_PENDING: 10,
  CHECK_DRIFT: 11,
  CHECK_APP_SCHEMA: 12,
  CHECK_UNSYNCED: 13,
  CHECK_JOURNAL: 14,
  STALE_RUN: 15,
  STATUS_STALE: 20,
  STATUS_FAILED: 21,
  STATUS_INCOMPLETE: 22,
  STATUS_COVERAGE: 25,
  DB_PRIVILEGE: 30,
  STALE_VECTORS: 31,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class FitmatchError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FitmatchError';
  }
}

/** Another process holds the lock this command needs; `who` says what it is for, in one line. */
export class LockedError extends FitmatchError {
  constructor(lockName: string, who = 'another fitmatch process') {
    super(`${who} holds the lock "${lockName}"; try again when it has finished`, ExitCode.LOCKED);
    this.name = 'LockedError';
  }
}

/**
 * A stop requested by SIGINT/SIGTERM. The shutdown handler aborts with a bare one
 * ("interrupted by SIGTERM"); commands re-throw it with what the stop left behind.
 */
export class InterruptedError extends FitmatchError {
  constructor(what: string, state?: string) {
    super(state ? `${what} interrupted by signal at a batch boundary: ${state}` : what, ExitCode.INTERRUPTED);
    this.name = 'InterruptedError';
  }
}

/** Whether `e` is the stop a signal asked for (its reason, or an InterruptedError thrown on its behalf). */
export const isStop = (e: unknown, signal: AbortSignal): boolean => e instanceof InterruptedError || (signal.aborted && e === signal.reason);

/** mysql2/socket codes meaning the server went away mid-run (restart, network, failover, frozen server). */
const CONNECTION_LOST = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
]);

/** Whether `e` means the connection (or the server) is gone, as opposed to a statement the server refused. */
export function isConnectionLost(e: unknown): boolean {
  const err = e as { code?: string; fatal?: boolean; message?: string };
  if (!err) return false;
  if (err.code && CONNECTION_LOST.has(err.code)) return true;
  // mysql2 marks errors that kill the connection fatal, e.g. "Can't add new command when connection is in closed state".
  return err.fatal === true && !err.code?.startsWith('ER_ACCESS');
}

/**
 * Maps anything thrown to the exit-code contract. A dropped connection is exit 3
 * and a server-side SQL error (lock wait timeout, deadlock, full disk) exit 6, so
 * cron can tell "retry later" from a bug (1, logged with its stack).
 */
export function toFitmatchError(e: unknown): FitmatchError | null {
  const denied = privilegeDenied(e);
  if (denied) return denied;
  if (e instanceof FitmatchError) return e;
  const err = e as { code?: string; sqlMessage?: string; message?: string };
  if (isConnectionLost(e)) {
    const why = err.code === 'PROTOCOL_SEQUENCE_TIMEOUT' ? 'a query got no answer within --query-timeout' : `${err.code ?? 'closed'}: ${err.message}`;
    return new FitmatchError(
      `lost the database connection (${why}); published results and committed batches are intact, run again when the server is back`,
      ExitCode.DB_UNAVAILABLE,
      { cause: e },
    );
  }
  if (err?.sqlMessage !== undefined) {
    return new FitmatchError(`database error (${err.code}): ${err.sqlMessage}`, ExitCode.FAILED, { cause: e });
  }
  return null;
}

/** The server refused a statement for lack of a privilege (not bad credentials: that is a connection failure, exit 3). */
const PRIVILEGE_CODES = new Set([
  'ER_TABLEACCESS_DENIED_ERROR', // 1142: "<COMMAND> command denied to user … for table …"
  'ER_COLUMNACCESS_DENIED_ERROR', // 1143
  'ER_SPECIFIC_ACCESS_DENIED_ERROR', // 1227: "you need (at least one of) the … privilege(s)"
  'ER_DBACCESS_DENIED_ERROR', // 1044
]);

/**
 * A missing grant, found in `e` or its causes (a migration wraps the statement
 * that failed): exit 30, one line naming the privilege and the table, no stack.
 */
export function privilegeDenied(e: unknown): FitmatchError | null {
  type SqlError = { code?: string; sqlMessage?: string; cause?: unknown; message?: string };
  let context: string | null = null;
  let next: unknown = e;
  for (let depth = 0; next && depth < 5; depth++) {
    if (next instanceof FitmatchError) {
      if (next.exitCode === ExitCode.DB_PRIVILEGE) return next;
      context ??= next.message.split('\n')[0].split(': ')[0];
    }
    const cur = next as SqlError;
    next = cur.cause;
    if (!cur.code || !PRIVILEGE_CODES.has(cur.code)) continue;
    const text = cur.sqlMessage ?? cur.message ?? '';
    const table = /^(\w+(?: \w+)?) command denied to user '([^']*)'@'([^']*)' for (?:column '[^']*' in )?table (.+)$/.exec(text);
    const needed = /you need \(at least one of\) the (.+?) privilege\(s\)/.exec(text);
    const what = table
      ? `the database user '${table[2]}' lacks the ${table[1]} privilege on table ${table[4].replace(/[`']/g, '')}`
      : needed
        ? `the database user lacks the ${needed[1]} privilege`
        : `the database user lacks a privilege (${text})`;
    return new FitmatchError(
      `${context ? `${context}: ` : ''}${what} (${cur.code}); grant what docs/configuration.md "Database privileges" lists, then run again`,
      ExitCode.DB_PRIVILEGE,
      { cause: e },
    );
  }
  return null;
}

/** What a caught value says: its message if it is an Error, else the value as text. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
