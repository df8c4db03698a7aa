import { InvalidArgumentError, Option, type Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { status, statusFailure } from '../commands/status.js';
import { writeMetricsOrWarn, writeStatusMetrics } from '../metrics/runMetrics.js';
import type { StatusReport } from '../status/readStatus.js';
import { parseDuration, parseFraction } from '../config/numbers.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('what is published and how old, the last runs, a run in progress, coverage, pending migrations; exit 20 stale, 21 last run failed, 22 nothing published, 25 coverage below --min-coverage')
    .option('--json', 'machine-readable output on stdout')
    .addOption(
      new Option('--max-age <duration>', 'the published run is stale (exit 20) when older than this, e.g. 36h; "0" never').default('36h').argParser((raw) => {
        if (Number.isNaN(parseDuration(raw))) throw new InvalidArgumentError(`--max-age must be a duration such as 36h or 2d, got "${raw}"`);
        return raw;
      }),
    )
    .addOption(new Option('--runs <n>', 'runs listed per kind').default(3).argParser(intArg('--runs', 1)))
    .addOption(
      new Option('--min-coverage <share>', 'exit 25 when a smaller share of eligible talents or of eligible postings has an embedding, e.g. 95%').argParser((raw) => {
        const v = parseFraction(raw);
        if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(`--min-coverage must be a share such as 95% or 0.95, got "${raw}"`);
        return v;
      }),
    )
    .option('--metrics-file <path>', 'also write the health as a Prometheus textfile (atomically: temp file + rename), e.g. for node_exporter')
    .action(async (o: { json?: boolean; maxAge: string; runs: number; minCoverage?: number; metricsFile?: string }, cmd: Command) => {
      const maxAgeMs = parseDuration(o.maxAge) || null;
      let found: StatusReport | null = null;
      const code = await runCommand(
        globalFlags(cmd),
        async (ctx, stdout) => void (await status({ json: o.json, maxAgeMs, runs: o.runs, minCoverage: o.minCoverage ?? null, write: stdout, onReport: (r) => (found = r) }, ctx)),
        { json: o.json, failure: (exitCode, message) => statusFailure(exitCode, message, { maxAgeMs, minCoverage: o.minCoverage ?? null }) },
      );
      // On every exit, also when the database cannot be reached: a monitor must see the failure, not the last healthy file.
      if (o.metricsFile) writeMetricsOrWarn(o.metricsFile, () => writeStatusMetrics(o.metricsFile!, found, code, new Date()));
      process.exitCode = code;
    });
}
