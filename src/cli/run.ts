import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseSkipLimit, type SkipLimit } from '../status/runSkips.js';
import { run } from '../commands/run.js';
import { writeMetricsOrWarn, writeRunMetrics } from '../metrics/runMetrics.js';
import { runReport } from '../commands/commandReports.js';
import { SKIP_IF_LOCKED_HELP, skipIfLocked } from './skipIfLocked.js';
import type { RunSummary } from '../status/runSummary.js';
import { runCommand } from '../runCommand.js';
import { addBackfillOptions, BACKFILL_OPTION_KEYS, backfillConfigFlags, backfillOptions, type BackfillFlags, type BackfillOptionKey } from './backfill.js';
import { addMatchOptions, matchFlags } from './match.js';
import { messageOf } from '../errors.js';

/**
 * Backfill's flags that `run` does not take from backfill:
 * --max-shrink/--allow-shrink come with match's options and govern both phases
 * (one FITMATCH_MAX_SHRINK setting); --dry-run would match embeddings it did not
 * write; --report-json is run's own (the summary of every phase).
 */
const NOT_FROM_BACKFILL: readonly BackfillOptionKey[] = ['maxShrink', 'allowShrink', 'dryRun', 'reportJson'];

/*
 * Match flags `run` does not offer: --resume (run starts a new run; a run it
 * supersedes would compute on its old snapshot, not on what the backfill just
 * wrote), --shard/--run-key (shared runs are separate processes, with their own
 * backfill step), --no-publish (publishing is the point of the nightly job), and
 * --block-rows (a tuning knob sized from --memory by default), and
 * --max-backfill-age (run's own backfill phase comes right before its match).
 */
export function registerRun(program: Command): void {
  const cmd = addMatchOptions(
    program.command('run').description('the nightly job in one command: check migrations (--migrate applies them), backfill embeddings, match and publish; one summary, one exit code'),
  );
  addBackfillOptions(cmd, BACKFILL_OPTION_KEYS.filter((k) => !NOT_FROM_BACKFILL.includes(k)))
    .option('--migrate', 'apply pending migrations first (without it, pending migrations stop the run with exit 10)')
    .option('--strict', 'exit 9 when the run found new bad source rows, more than --max-skipped, compared with the last successful backfill (the results are still published)')
    .addOption(new Option('--max-skipped <n|p%>', 'with --strict: new bad source rows tolerated, a count (10) or a share of the rows read (0.5%); default 0 (implies --strict)').argParser((raw) => {
      try {
        return parseSkipLimit(raw);
      } catch (e) {
        throw new InvalidArgumentError(messageOf(e));
      }
    }))
    .option('--report-json <file>', 'write the summary of every phase as JSON to this file')
    .option('--metrics-file <path>', 'write a Prometheus textfile (atomically) when the run ends, whatever its exit code: last success time, duration per phase, rows, skips, exit code')
    .option('--skip-if-locked', SKIP_IF_LOCKED_HELP)
    .option('--json', 'print the report as one JSON document on stdout (logs stay on stderr)')
    .action(async (o: Parameters<typeof matchFlags>[0] & BackfillFlags & { migrate?: boolean; strict?: boolean; maxSkipped?: SkipLimit; reportJson?: string; json?: boolean; metricsFile?: string; skipIfLocked?: boolean }, c: Command) => {
      let summary: RunSummary | null = null;
      const code = await runCommand({ ...matchFlags(o, c), ...backfillConfigFlags(o) }, async (ctx) => {
        // o.reportJson is run's own report, not the backfill's.
        const { dryRun: _dryRun, reportJson: _runReport, ...b } = backfillOptions(o);
        const go = async () => runReport(await run({ migrate: o.migrate, strict: o.strict || o.maxSkipped !== undefined, maxSkipped: o.maxSkipped, backfill: b, match: { allowShrink: !!o.allowShrink, allowEmpty: !!o.allowEmpty, incremental: !!o.incremental }, reportJson: o.reportJson, skipIfLocked: o.skipIfLocked, onSummary: (s) => (summary = s) }, ctx));
        return o.skipIfLocked ? skipIfLocked(go, ctx.log) : go();
      }, { json: o.json });
      if (o.metricsFile) writeMetricsOrWarn(o.metricsFile, () => writeRunMetrics(o.metricsFile!, { exitCode: code, summary, finishedAt: new Date() }));
      process.exitCode = code;
    });
}
