import { systemClock } from './clock.js';
import { quietly } from './cleanup.js';
import { loadConfig, type Config, type Flags } from './config.js';
import type { CommandContext } from './context.js';
import { connect } from './db/connect.js';
import { ExitCode, InterruptedError, toFitmatchError, messageOf } from './errors.js';
import { createLogger, type Logger, type LogFormat } from './log.js';
import { redact } from './redact.js';
import { failureDocument } from './commandOutput.js';
import { printReport, reportOf, type Report } from './report.js';
import { installShutdown } from './shutdown.js';

/** The log format before config is loaded: what the flags or env ask for, else by TTY. */
export function earlyLogFormat(flags: Flags, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const asked = flags.logFormat ?? env.FITMATCH_LOG_FORMAT;
  if (asked === 'json' || asked === 'human') return asked;
  return process.stderr.isTTY ? 'human' : 'json';
}

export interface CommandOutput {
  /** --json: exactly one JSON document on stdout, on every exit. */
  json?: boolean;
  /** The --json document of a failure that has no report of its own (default: failureDocument). */
  failure?: (exitCode: number, message: string) => unknown;
}

/** Writes a command's own output on stdout, remembering that it did (so a failure adds no second document). */
export type StdoutWriter = (text: string) => void;

/**
 * The one place that turns a command into a process exit code: load config once,
 * connect, run, release in reverse order, print the command's report on stdout
 * (human, or one JSON document with out.json), map errors to their documented code.
 * Under --json a failure with nothing printed yet prints a failure document.
 */
export async function runCommand(flags: Flags, fn: (ctx: CommandContext, stdout: StdoutWriter) => Promise<Report | void>, out: CommandOutput = {}): Promise<number> {
  let printed = false;
  const stdout: StdoutWriter = (text) => {
    printed = true;
    process.stdout.write(text);
  };
  const fail = (e: unknown): number => {
    const r = reportOf(e);
    if (r && !printed) printReport(r, !!out.json, stdout);
    const code = report(log, e);
    if (out.json && !printed) stdout(JSON.stringify((out.failure ?? failureDocument)(code, failureMessage(e)), null, 2) + '\n');
    return code;
  };
  let log: Logger = createLogger({ format: earlyLogFormat(flags) });
  let config: Config;
  try {
    config = loadConfig({ flags });
    log = createLogger({ format: config.logFormat!, verbose: config.verbose });
  } catch (e) {
    return fail(e);
  }
  if (config.dbSource === 'default') log.info(`DATABASE_URL is not set: using the default database ${config.db.display}`);
  const shutdown = installShutdown(log);
  try {
    const db = await connect(config.db, { queryTimeoutMs: config.queryTimeout });
    try {
      if (shutdown.signal.aborted) throw new InterruptedError('stopped before the command started: nothing was done');
      const r = await fn({ db, clock: systemClock, log, config, signal: shutdown.signal }, stdout);
      if (r) printReport(r, !!out.json, stdout);
      return ExitCode.OK;
    } finally {
      await quietly(log, 'close the database pool', () => db.close());
    }
  } catch (e) {
    return fail(e);
  } finally {
    shutdown.dispose();
  }
}

/** The one-line message of a failure, as logged (an unexpected error without its stack). */
function failureMessage(e: unknown): string {
  const known = toFitmatchError(e);
  return known ? known.message : `unexpected error: ${messageOf(e)}`;
}

/** One error line per failure, with its exit code. */
export function report(log: Logger, e: unknown): number {
  const known = toFitmatchError(e);
  if (known) {
    log.error(known.message, { exitCode: known.exitCode });
    return known.exitCode;
  }
  const err = e as Error;
  log.error(redact(`unexpected error: ${err?.stack ?? String(e)}`), { exitCode: ExitCode.INTERNAL });
  return ExitCode.INTERNAL;
}
