import type { Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { migrate } from '../commands/migrate.js';
import { migrateCheck } from '../commands/migrateCheck.js';
import { migrateStatus } from '../commands/migrateStatus.js';
import { migrateReport } from '../commands/commandReports.js';
import { runCommand } from '../runCommand.js';

export function registerMigrate(program: Command): void {
  const cmd = program
    .command('migrate')
    .description("create and evolve fitmatch's own tables (never the app's); --check for CI")
    .option('--check', 'CI mode: read-only; exit 10-14 on pending migrations, drift, app schema, unsynced files or journal (README "Exit codes")')
    .option('--json', 'machine-readable output on stdout')
    .option('--migrations-dir <dir>', 'migrations directory (default: the drizzle/ folder shipped with fitmatch)')
    .action(async (opts: { check?: boolean; json?: boolean; migrationsDir?: string }, c: Command) => {
      process.exitCode = await runCommand(
        globalFlags(c),
        async (ctx, stdout) => {
          if (opts.check) return void (await migrateCheck({ json: opts.json, dir: opts.migrationsDir, write: stdout }, ctx));
          return migrateReport(ctx.db.settings.display, await migrate({ dir: opts.migrationsDir }, ctx));
        },
        { json: opts.json },
      );
    });
  cmd
    .command('status')
    .description('list applied (with applied_at) and pending migrations')
    .option('--json', 'machine-readable output on stdout')
    .action(async (opts: { json?: boolean }, c: Command) => {
      const all = c.optsWithGlobals() as { json?: boolean; migrationsDir?: string };
      const json = opts.json ?? all.json;
      process.exitCode = await runCommand(globalFlags(c), async (ctx, stdout) => void (await migrateStatus({ json, dir: all.migrationsDir, write: stdout }, ctx)), { json });
    });
}
