import { InvalidArgumentError, Option, type Command } from 'commander';
import { globalFlags } from '../cli.js';
import { status } from '../commands/status.js';
import { parseDuration } from '../config/numbers.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('what is published and how old, the last runs, a run in progress, coverage, pending migrations; exit 20 stale, 21 last run failed, 22 nothing published')
    .option('--json', 'machine-readable output on stdout')
    .addOption(
      new Option('--max-age <duration>', 'the published run is stale (exit 20) when older than this, e.g. 36h; "0" never').default('36h').argParser((raw) => {
        if (Number.isNaN(parseDuration(raw))) throw new InvalidArgumentError(`--max-age must be a duration such as 36h or 2d, got "${raw}"`);
        return raw;
      }),
    )
    .addOption(new Option('--runs <n>', 'runs listed per kind').default(3).argParser(intArg('--runs', 1)))
    .action(async (o: { json?: boolean; maxAge: string; runs: number }, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx) => {
        const maxAgeMs = parseDuration(o.maxAge);
        await status({ json: o.json, maxAgeMs: maxAgeMs > 0 ? maxAgeMs : null, runs: o.runs }, ctx);
      });
    });
}
