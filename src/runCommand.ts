import { systemClock } from './clock.js';
import { loadConfig, type Config, type Flags } from './config.js';
import type { CommandContext } from './context.js';
import { connect } from './db/connect.js';
import { ExitCode, toFitmatchError } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { redact } from './redact.js';
import { installShutdown } from './shutdown.js';

/**
 * The one place that turns a command into a process exit code: load config once,
 * connect, run, release in reverse order, map errors to their documented code.
 */
export async function runCommand(
  flags: Flags,
  fn: (ctx: CommandContext) => Promise<void>,
): Promise<number> {
  let log: Logger = createLogger({ format: process.stderr.isTTY ? 'human' : 'json' });
  let config: Config;
  try {
    config = loadConfig({ flags });
    log = createLogger({ format: config.logFormat!, verbose: config.verbose });
  } catch (e) {
    return report(log, e);
  }
  const shutdown = installShutdown(log);
  try {
    const db = await connect(config.db);
    try {
      await fn({ db, clock: systemClock, log, config, signal: shutdown.signal });
      return ExitCode.OK;
    } finally {
      await db.close();
    }
  } catch (e) {
    return report(log, e);
  } finally {
    shutdown.dispose();
  }
}

function report(log: Logger, e: unknown): number {
  const known = toFitmatchError(e);
  if (known) {
    log.error(known.message, { exitCode: known.exitCode });
    return known.exitCode;
  }
  const err = e as Error;
  log.error(redact(`unexpected error: ${err?.stack ?? String(e)}`), { exitCode: ExitCode.INTERNAL });
  return ExitCode.INTERNAL;
}
