import type { Command } from 'commander';
import type { Flags } from '../config.js';

/** The global flags of a subcommand invocation, keyed by setting name for loadConfig(). */
export function globalFlags(cmd: Command): Flags {
  const o = cmd.optsWithGlobals() as { databaseUrl?: string; logFormat?: string; verbose?: boolean; queryTimeout?: string; retries?: string };
  return { databaseUrl: o.databaseUrl, logFormat: o.logFormat, verbose: o.verbose || undefined, queryTimeout: o.queryTimeout, retries: o.retries };
}
