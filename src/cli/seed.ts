import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { seed, SEED_DEFAULTS } from '../commands/seed.js';
import { seedReport } from '../commands/commandReports.js';
import { runCommand } from '../runCommand.js';
import { strictDecimal, strictInt } from '../config/numbers.js';

const num = strictInt;
const share = strictDecimal;

/** The options as commander hands them over: the numbers already parsed, each with its default. */
interface SeedFlags {
  seed: number;
  talents: number;
  jobs: number;
  companies: number;
  dim: number;
  dirty: number;
  connections: number;
  reset?: boolean;
  force?: boolean;
  manifest?: string;
  json?: boolean;
}

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
    .action(async (opts: SeedFlags, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx) => {
        const manifest = await seed(
          {
            seed: opts.seed,
            talents: opts.talents,
            jobs: opts.jobs,
            companies: opts.companies,
            dim: opts.dim,
            dirty: opts.dirty,
            connections: opts.connections,
            reset: Boolean(opts.reset),
            force: Boolean(opts.force),
            timezone: ctx.config.timezone,
          },
          ctx,
        );
        if (opts.manifest) writeFileSync(opts.manifest, JSON.stringify(manifest, null, 2) + '\n');
        return seedReport(manifest);
      }, { json: Boolean(opts.json) });
    });
}
