import { writeFileSync } from 'node:fs';
import type { CommandContext } from '../context.js';
import { ExitCode, FitmatchError, InterruptedError } from '../errors.js';
import { readMigrationState } from '../migrate/migrator.js';
import { redact } from '../redact.js';
import { runSkips } from '../run/runSkips.js';
import { formatRunSummary, type RunSummary } from '../run/runSummary.js';
import { holdPoint } from '../holdPoint.js';
import { backfill, type BackfillOptions } from './backfill.js';
import { match, type MatchOptions } from './match.js';
import { migrate } from './migrate.js';

export interface RunOptions {
  /** Apply pending migrations first; without it they stop the run (exit 10). */
  migrate?: boolean;
  /** Exit 9 when the run skipped bad rows, facets or blobs (the results are published all the same). */
  strict?: boolean;
  backfill: Omit<BackfillOptions, 'dryRun' | 'reportJson'>;
  match: Pick<MatchOptions, 'allowShrink' | 'allowEmpty' | 'blockRows' | 'engine' | 'incremental'>;
  /** Write the run summary as JSON to this file. */
  reportJson?: string;
  migrationsDir?: string;
}

type Phase = 'backfill' | 'match';

/**
 * The nightly job: migrations checked (or applied with --migrate), an
 * incremental backfill, then a full match that publishes. Each phase is the
 * command of the same name; a stop request is honoured inside each and between
 * them, and never leaves match_results half-changed.
 */
export async function run(opts: RunOptions, ctx: CommandContext): Promise<RunSummary> {
  const { db, log } = ctx;
  const t0 = performance.now();
  const since = (t: number) => Math.round(performance.now() - t);

  let t = performance.now();
  const state = await readMigrationState(db, opts.migrationsDir);
  if (state.pending.length && !opts.migrate) {
    throw new FitmatchError(
      `the database has ${state.pending.length} pending fitmatch migration(s) (${state.pending.map((m) => m.tag).join(', ')}); nothing was run. Apply them with \`fitmatch migrate\` or \`fitmatch run --migrate\``,
      ExitCode.CHECK_PENDING,
    );
  }
  const applied = state.pending.length ? (await migrate({ dir: opts.migrationsDir }, ctx)).applied : [];
  const summary: RunSummary = { phases: { migrate: { ms: since(t), applied }, backfill: null, match: null }, skipped: runSkips(null, null), strict: !!opts.strict, totalMs: 0 };

  await betweenPhases('backfill', opts, ctx);
  t = performance.now();
  const b = await backfill({ ...opts.backfill, dryRun: false }, ctx);
  summary.phases.backfill = { ms: since(t), source: b.source, talents: b.entity.talents, jobs: b.entity.jobs };

  await betweenPhases('match', opts, ctx);
  t = performance.now();
  const m = await match({ ...opts.match, publish: true }, ctx);
  const c = m.counts as Record<string, number>;
  summary.phases.match = {
    ms: since(t),
    runId: m.runId,
    published: m.published,
    incremental: m.params.incremental === true ? { talentsChanged: c.talentsAdded + c.talentsChanged + c.talentsRemoved, jobsChanged: c.jobsAdded + c.jobsChanged + c.jobsRemoved, rowsWritten: c.rowsWritten } : null,
    eligibleTalents: c.eligibleTalents,
    eligibleJobs: c.eligibleJobs,
    talentsWithMatch: c.talentsWithMatch,
    jobsWithMatch: c.jobsWithMatch,
    rowsTalentToJob: c.rowsTalentToJob,
    rowsJobToTalent: c.rowsJobToTalent,
  };

  summary.skipped = runSkips(b, m.counts);
  summary.totalMs = since(t0);
  log.event('run_summary', { summary }, formatRunSummary(summary));
  if (opts.reportJson) writeFileSync(opts.reportJson, redact(JSON.stringify(summary, null, 2)) + '\n');
  if (opts.strict && summary.skipped.total > 0) {
    throw new FitmatchError(
      `--strict: the run skipped ${summary.skipped.total} bad source row(s), facet(s) or blob(s) (counts by reason in the run summary); run ${m.runId} is published all the same`,
      ExitCode.SKIPPED_ROWS,
    );
  }
  return summary;
}

async function betweenPhases(next: Phase, opts: RunOptions, ctx: CommandContext): Promise<void> {
  const done = next === 'backfill' ? 'the migration check' : 'the backfill';
  if (next === 'match') await holdPoint('before_match', ctx.log, ctx.signal).catch(() => undefined);
  if (ctx.signal.aborted) {
    throw new InterruptedError(`run stopped by signal after ${done}, before the ${next} phase: match_results is unchanged${next === 'match' ? ' (the backfilled embeddings are kept; the next run matches them)' : ''}`);
  }
  ctx.log.info(`run: ${next} phase`);
}
