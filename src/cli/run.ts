import type { Command } from 'commander';
import { run } from '../commands/run.js';
import { runCommand } from '../runCommand.js';
import { addBackfillOptions, BACKFILL_OPTION_KEYS, backfillConfigFlags, backfillOptions, type BackfillFlags, type BackfillOptionKey } from './backfill.js';
import { addMatchOptions, matchFlags } from './match.js';

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
 * --block-rows (a tuning knob sized from --memory by default).
 */
export function registerRun(program: Command): void {
  const cmd = addMatchOptions(
    program.command('run').description('the nightly job in one command: check migrations (--migrate applies them), backfill embeddings, match and publish; one summary, one exit code'),
  );
  addBackfillOptions(cmd, BACKFILL_OPTION_KEYS.filter((k) => !NOT_FROM_BACKFILL.includes(k)))
    .option('--migrate', 'apply pending migrations first (without it, pending migrations stop the run with exit 10)')
    .option('--strict', 'exit 9 when the run skipped bad source rows, facets or blobs (the results are still published)')
    .option('--report-json <file>', 'write the summary of every phase as JSON to this file')
    .action(async (o: Parameters<typeof matchFlags>[0] & BackfillFlags & { migrate?: boolean; strict?: boolean; reportJson?: string }, c: Command) => {
      process.exitCode = await runCommand({ ...matchFlags(o, c), ...backfillConfigFlags(o) }, async (ctx) => {
        // o.reportJson is run's own report, not the backfill's.
        const { dryRun: _dryRun, reportJson: _runReport, ...b } = backfillOptions(o);
        await run({ migrate: o.migrate, strict: o.strict, backfill: b, match: { allowShrink: !!o.allowShrink, allowEmpty: !!o.allowEmpty, incremental: !!o.incremental }, reportJson: o.reportJson }, ctx);
      });
    });
}
