import { Option, type Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { rollback } from '../commands/rollback.js';
import { rollbackReport } from '../commands/commandReports.js';
import { ROLLBACK_RULE } from '../runs/rollbackPlan.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('restore the set published before the current one, exactly (published_at included)')
    .addHelpText('after', `\n${ROLLBACK_RULE}`)
    .addOption(new Option('--to <run>', 'step back until this run\'s set is published').argParser(intArg('--to', 1)))
    .option('--dry-run', 'show what would be restored, change nothing')
    .option('--json', 'print the report as one JSON document on stdout (logs stay on stderr)')
    .action(async (o: { to?: number; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx) => rollbackReport(await rollback({ to: o.to, dryRun: o.dryRun }, ctx)), { json: o.json });
    });
}
