import type { Command } from 'commander';
import { globalFlags } from '../cli.js';
import { migrate } from '../commands/migrate.js';
import { runCommand } from '../runCommand.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description("create and evolve fitmatch's own tables (never the app's)")
    .action(async (_opts, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx) => {
        await migrate({}, ctx);
      });
    });
}
