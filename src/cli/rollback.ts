import type { Command } from 'commander';
import { globalFlags } from '../cli.js';
import { rollback } from '../commands/rollback.js';
import { rollbackReport } from '../run/commandReports.js';
import { runCommand } from '../runCommand.js';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('switch match_results back to the previous published run (run it again to undo)')
    .option('--json', 'print the report as one JSON document on stdout (logs stay on stderr)')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx) => rollbackReport(await rollback({}, ctx)), { json: o.json });
    });
}
