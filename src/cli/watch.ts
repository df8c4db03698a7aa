import type { Command } from 'commander';
import { watch } from '../commands/watch.js';
import { runCommand } from '../runCommand.js';
import { addBackfillOptions, backfillConfigFlags, backfillOptions, type BackfillFlags } from './backfill.js';
import { addMatchOptions, matchFlags } from './match.js';

/**
 * `watch` always backfills from matching_vectors (its watermark covers the
 * tables that source reads) and always matches incrementally; it takes the
 * match flags that decide what a run computes, and backfill's --dim/--batch-size.
 */
export function registerWatch(program: Command): void {
  const cmd = addMatchOptions(
    program.command('watch').description("long-running: every --interval, when the app's tables changed, backfill what changed and publish an increment (a full run past --max-change); yields to the nightly run; SIGTERM ends it with 0"),
  );
  addBackfillOptions(cmd, ['dim', 'batchSize'])
    .option('--interval <duration>', 'wait between passes, e.g. 5s or 500ms (env FITMATCH_WATCH_INTERVAL; default 5s)')
    .option('--no-backfill', 'only match: another process writes the embeddings (a backfill on its own schedule, or from text); the watcher still sees its writes')
    .option('--metrics-file <path>', 'rewrite a Prometheus textfile (atomically) after every pass: last pass time, last publish time, freshness lag, passes by outcome')
    .action(async (o: Parameters<typeof matchFlags>[0] & BackfillFlags & { interval?: string; metricsFile?: string; backfill: boolean }, c: Command) => {
      process.exitCode = await runCommand({ ...matchFlags(o, c), ...backfillConfigFlags(o), interval: o.interval }, async (ctx) => {
        const { dim, batchSize } = backfillOptions(o);
        return watch({ intervalMs: ctx.config.interval, metricsFile: o.metricsFile, backfill: o.backfill && { dim, batchSize }, match: { allowShrink: !!o.allowShrink, allowEmpty: !!o.allowEmpty } }, ctx);
      });
    });
}
