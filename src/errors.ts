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

/** The run stopped at a batch boundary because of SIGINT/SIGTERM. */
export class InterruptedError extends FitmatchError {
  constructor(what: string) {
    super(`${what} interrupted by signal; stopped at a batch boundary, nothing partial was published`, ExitCode.INTERRUPTED);
    this.name = 'InterruptedError';
  }
}
