import type { CommandContext } from '../context.js';
import { ExitCode, FitmatchError } from '../errors.js';
import type { MatchSummary } from '../runs/matchSummary.js';
import { matchRun, type MatchRunOptions } from '../runs/matchRun.js';
import { validateRunKey } from '../runs/runKey.js';
import { assertFreshBackfill } from '../store/lastBackfill.js';

export interface MatchOptions extends MatchRunOptions {
  /** Refuse (exit 31) unless the newest backfill run succeeded and finished within this (ms). */
  maxBackfillAgeMs?: number;
}

/**
 * `fitmatch match`: checks that the flags make one kind of run, then runs it
 * (one process, a shard of a shared run, a resume or an incremental run: see
 * src/runs/matchRun.ts).
 */
export async function match(opts: MatchOptions, ctx: CommandContext): Promise<MatchSummary> {
  const shard = opts.shard ?? { index: 0, count: 1 };
  if (shard.count > 1 && !opts.runKey) throw new FitmatchError('--shard needs --run-key: all shards of a run must name it the same way', ExitCode.USAGE);
  if (opts.resume && opts.runKey) throw new FitmatchError('--resume continues a one-process run; a shared run continues by running the same --shard/--run-key command again', ExitCode.USAGE);
  if (opts.incremental && (opts.runKey || opts.resume || opts.publish === false)) {
    throw new FitmatchError('--incremental is a one-process run that publishes: it cannot be combined with --shard/--run-key, --resume or --no-publish', ExitCode.USAGE);
  }
  if (opts.runKey !== undefined) validateRunKey(opts.runKey);
  if (opts.maxBackfillAgeMs !== undefined) await assertFreshBackfill(ctx.db.pool, ctx.clock, opts.maxBackfillAgeMs);
  return matchRun(opts, ctx);
}
