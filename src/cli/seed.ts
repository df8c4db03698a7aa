import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { seed, SEED_DEFAULTS } from '../commands/seed.js';
import { seedReport } from '../commands/commandReports.js';
import { runCommand } from '../runCommand.js';
import { strictDecimal, strictInt } from '../config/numbers.js';

const num = strictInt;
const share = strictDecimal;

export function registerSeed(program: Command): void {
  const d = SEED_DEFAULTS;
  program
    .command('seed')
    .description("generate a realistic, deterministic FitConnect dataset (with dirty cases) into the app's tables")
    .option('--seed <n>', 'random seed: the same seed gives the same rows', num, d.seed)
    .option('--talents <n>', 'talent users', num, d.talents)
    .option('--jobs <n>', 'job postings', num, d.jobs)
    .option('--companies <n>', 'companies', num, d.companies)
    .option('--dim <n>', 'dimension of each facet vector (production: 1536)', num, d.dim)
    .option('--dirty <share>', 'share of live talents/postings given a bad payload or row (0..1)', share, d.dirty)
    .option('--connections <n>', 'parallel insert connections', num, d.connections)
    .option('--reset', 'delete earlier seed data (only seed data) first')
    .option('--force', 'write even into a database holding data the seed did not create, or named like production')
    .option('--manifest <file>', 'write the manifest (row counts, dirty cases with ids) as JSON to FILE')
    .option('--json', 'print the manifest as one JSON document on stdout')
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx) => {
        const manifest = await seed(
          {
            seed: opts.seed as number,
            talents: opts.talents as number,
            jobs: opts.jobs as number,
            companies: opts.companies as number,
            dim: opts.dim as number,
            dirty: opts.dirty as number,
            connections: opts.connections as number,
            reset: Boolean(opts.reset),
            force: Boolean(opts.force),
            timezone: ctx.config.timezone,
          },
          ctx,
        );
        if (opts.manifest) writeFileSync(String(opts.manifest), JSON.stringify(manifest, null, 2) + '\n');
        return seedReport(manifest);
      }, { json: Boolean(opts.json) });
    });
}
