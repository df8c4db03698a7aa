/**
 * Exit codes are a contract with cron and CI (documented in README "Exit codes").
 * Commands log a human message, then throw a FitmatchError; the single top-level
 * catch in cli.ts turns it into the process exit code.
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
  CHECK_PENDING: 10,
  CHECK_DRIFT: 11,
  CHECK_APP_SCHEMA: 12,
  CHECK_UNSYNCED: 13,
  CHECK_JOURNAL: 14,
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

/** Another process holds the lock this command needs. */
export class LockedError extends FitmatchError {
  constructor(lockName: string) {
    super(`another fitmatch process holds the lock "${lockName}"; try again when it has finished`, ExitCode.LOCKED);
    this.name = 'LockedError';
  }
}

/** The run stopped at a batch boundary because of SIGINT/SIGTERM; `state` says what that left behind. */
export class InterruptedError extends FitmatchError {
  constructor(what: string, state: string) {
    super(`${what} interrupted by signal at a batch boundary: ${state}`, ExitCode.INTERRUPTED);
    this.name = 'InterruptedError';
  }
}

/** mysql2/socket codes meaning the server went away mid-run (restart, network, failover). */
const CONNECTION_LOST = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR']);

/**
 * Maps anything thrown to the exit-code contract. A dropped connection is exit 3
 * and a server-side SQL error (lock wait timeout, deadlock, full disk) exit 6, so
 * cron can tell "retry later" from a bug (1, logged with its stack).
 */
export function toFitmatchError(e: unknown): FitmatchError | null {
  if (e instanceof FitmatchError) return e;
  const err = e as { code?: string; sqlMessage?: string; message?: string };
  if (err?.code && CONNECTION_LOST.has(err.code)) {
    return new FitmatchError(`lost the database connection (${err.code}): ${err.message}; published results and committed batches are intact, run again when the server is back`, ExitCode.DB_UNAVAILABLE, { cause: e });
  }
  if (err?.sqlMessage !== undefined) {
    return new FitmatchError(`database error (${err.code}): ${err.sqlMessage}`, ExitCode.FAILED, { cause: e });
  }
  return null;
}
