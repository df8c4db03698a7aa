import { Command } from 'commander';
import { createRequire } from 'node:module';
import type { Flags } from './config.js';
import { registerMigrate } from './cli/migrate.js';
import { registerBackfill } from './cli/backfill.js';
import { registerMatch } from './cli/match.js';
import { registerRollback } from './cli/rollback.js';
import { registerSeed } from './cli/seed.js';

/**
 * argv -> typed options only. Each subcommand's flags live in src/cli/<name>.ts;
 * its action runs the command function through runCommand() and sets process.exitCode.
 */
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('fitmatch')
    .description('Batch talent–job matching for FitConnect: migrate, backfill embeddings, compute and publish top-k matches.')
    .version(version)
    .option('--database-url <url>', 'mysql://user:pass@host:3306/db (env DATABASE_URL; default mysql://root@127.0.0.1:3306/fitconnect)')
    .option('--log-format <format>', 'human or json (env FITMATCH_LOG_FORMAT; default: human on a TTY, json otherwise)')
    .option('-v, --verbose', 'debug logging')
    .showHelpAfterError()
    .exitOverride();
  registerMigrate(program);
  registerBackfill(program);
  registerMatch(program);
  registerRollback(program);
  registerSeed(program);
  return program;
}

/** The global flags of a subcommand invocation, keyed by setting name for loadConfig(). */
export function globalFlags(cmd: Command): Flags {
  const o = cmd.optsWithGlobals() as { databaseUrl?: string; logFormat?: string; verbose?: boolean };
  return { databaseUrl: o.databaseUrl, logFormat: o.logFormat, verbose: o.verbose || undefined };
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { exitCode?: number };
    // commander already printed help, version or the usage error.
    return err.exitCode === 0 ? 0 : 2;
  }
  return Number(process.exitCode ?? 0);
}
