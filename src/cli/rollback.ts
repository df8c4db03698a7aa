import type { Command } from 'commander';
import { globalFlags } from '../cli.js';
import { rollback } from '../commands/rollback.js';
import { runCommand } from '../runCommand.js';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('switch match_results back to the previous published run (run it again to undo)')
    .action(async (_opts, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx) => {
        await rollback({}, ctx);
      });
    });
}
