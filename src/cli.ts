import { Command } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode, messageOf } from './errors.js';
import { createLogger } from './log.js';
import { passwordForms } from './config/dbUrl.js';
import { redact, registerSecret } from './redact.js';
import { earlyLogFormat } from './runCommand.js';
import { failureDocument, wantsJson } from './commandOutput.js';
import { writeMetricsOrWarn, writeRunMetrics, writeStatusMetrics } from './metrics/runMetrics.js';
import { registerMigrate } from './cli/migrate.js';
import { registerBackfill } from './cli/backfill.js';
import { registerMatch } from './cli/match.js';
import { registerRollback } from './cli/rollback.js';
import { registerSeed } from './cli/seed.js';
import { registerPublish } from './cli/publish.js';
import { registerRun } from './cli/run.js';
import { registerStatus } from './cli/status.js';
import { registerExplain } from './cli/explain.js';
import { registerWatch } from './cli/watch.js';

/**
 * argv -> typed options only. Each subcommand's flags live in src/cli/<name>.ts;
 * its action runs the command function through runCommand() and sets process.exitCode.
 */
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * Usage errors (unknown flag, missing value, unknown command) follow the same
 * rules as every other error: one line through the logger, a JSON line when
 * logs are JSON, exit 2. Help and --version still go to stdout.
 */
export function buildProgram(opts: { onUsageError?: (message: string) => void } = {}): Command {
  const program = new Command('fitmatch')
    .description('Batch talent–job matching for FitConnect: migrate, backfill embeddings, compute and publish top-k matches.')
    .version(version)
    .option('--database-url <url>', 'mysql://user:pass@host:3306/db (env DATABASE_URL; default mysql://root@127.0.0.1:3306/fitconnect)')
    .option('--log-format <format>', 'human or json (env FITMATCH_LOG_FORMAT; default: human on a TTY, json otherwise)')
    .option('--query-timeout <duration>', 'give up on a statement the server does not answer within this (env FITMATCH_QUERY_TIMEOUT; default 10m): exit 3 instead of hanging on a frozen server')
    .option('--retries <n>', 'retry a lost connection, a server restart, a lock wait timeout or a deadlock this many times, 1 s doubling to 30 s between tries, resuming from what is committed (env FITMATCH_RETRIES; default 6; 0 = fail at once)')
    .option('-v, --verbose', 'debug logging')
    .exitOverride();
  if (opts.onUsageError) {
    const report = opts.onUsageError;
    program.configureOutput({ outputError: (text) => report(text.replace(/^error: /, '').trim()) });
  }
  registerMigrate(program);
  registerBackfill(program);
  registerMatch(program);
  registerPublish(program);
  registerRollback(program);
  registerSeed(program);
  registerRun(program);
  registerStatus(program);
  registerExplain(program);
  registerWatch(program);
  return program;
}

/**
 * Commander echoes a mistyped flag or command whole ("unknown option
 * '--database-urll=mysql://u:pw@…'") before any configuration is loaded: the
 * passwords of URLs on the command line are secrets from the start.
 */
function registerArgvSecrets(argv: string[]): void {
  for (const arg of argv) {
    const value = /^--[\w-]*=/.test(arg) ? arg.slice(arg.indexOf('=') + 1) : arg;
    if (!value.includes('://') && !/^--[\w-]*url[\w-]*=/i.test(arg)) continue;
    passwordForms(value).forEach(registerSecret);
  }
}

export async function main(argv: string[]): Promise<number> {
  registerArgvSecrets(argv);
  const flagAt = argv.indexOf('--log-format');
  const asked = flagAt >= 0 ? argv[flagAt + 1] : argv.find((a) => a.startsWith('--log-format='))?.slice('--log-format='.length);
  const log = createLogger({ format: earlyLogFormat({ logFormat: asked }) });
  let usageError = '';
  const program = buildProgram({
    // One line whatever the format: commander puts its "(Did you mean …?)" on a line of its own.
    onUsageError: (message) => {
      usageError = redact(`${message.replace(/\s*\n\s*/g, ' ')} (see fitmatch --help)`);
      log.error(usageError, { exitCode: ExitCode.USAGE });
    },
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { exitCode?: number };
    // commander already printed help or the version, or reported the usage error above.
    if (err.exitCode === 0) return 0;
    usageFailureOutputs(argv, usageError || messageOf(e));
    return ExitCode.USAGE;
  }
  return Number(process.exitCode ?? 0);
}

/**
 * A usage error still gives what every other exit gives: one JSON document
 * under --json, and the metrics file of `run`/`status --metrics-file`, so a
 * mistyped flag in a cron line shows up in monitoring.
 */
function usageFailureOutputs(argv: string[], message: string): void {
  if (wantsJson(argv)) process.stdout.write(JSON.stringify(failureDocument(ExitCode.USAGE, message), null, 2) + '\n');
  const command = argv.slice(2).find((a) => a === 'run' || a === 'status');
  const at = argv.findIndex((a) => a === '--metrics-file' || a.startsWith('--metrics-file='));
  const file = at < 0 ? undefined : argv[at].includes('=') ? argv[at].slice(argv[at].indexOf('=') + 1) : argv[at + 1];
  if (!command || !file || file.startsWith('-')) return;
  const finishedAt = new Date();
  writeMetricsOrWarn(file, () => (command === 'run' ? writeRunMetrics(file, { exitCode: ExitCode.USAGE, summary: null, finishedAt }) : writeStatusMetrics(file, null, ExitCode.USAGE, finishedAt)));
}
