import { writeFileSync } from 'node:fs';
import type { CommandContext } from '../context.js';
import { ExitCode, FitmatchError, InterruptedError } from '../errors.js';
import { readMigrationState } from '../migrate/migrator.js';
import { redact } from '../redact.js';
import { withReport } from '../report.js';
import { runReport } from './commandReports.js';
import { allowedNewSkips, formatReasons, newSkips, runSkips, type SkipLimit } from '../status/runSkips.js';
import { lastSucceededBackfill } from '../store/lastBackfill.js';
import type { IncrementalRunCounts, MergedFullRunCounts } from '../store/runCounts.js';
import { formatRunSummary, type RunSummary } from '../status/runSummary.js';
import { holdPoint } from '../holdPoint.js';
import { assertLockFree } from '../db/advisoryLock.js';
import { planRun } from '../engine/defaultEngine.js';
import { resolveEligibility } from '../engine/eligibility.js';
import { readRunStart } from '../store/readSnapshot.js';
import { chooseWritePath } from '../store/resultWriter.js';
import { backfill, type BackfillOptions } from './backfill.js';
import { match, type MatchOptions } from './match.js';
import { migrate } from './migrate.js';

export interface RunOptions {
  /** Apply pending migrations first; without it they stop the run (exit 10). */
  migrate?: boolean;
  /** Exit 9 when the run found more new bad source rows than maxSkipped (default 0) (the results are published all the same). */
  strict?: boolean;
  /** With strict: how many new bad rows are tolerated. */
  maxSkipped?: SkipLimit;
  backfill: Omit<BackfillOptions, 'dryRun' | 'reportJson'>;
  match: Pick<MatchOptions, 'allowShrink' | 'blockRows' | 'engine' | 'allowEmpty' | 'incremental'>;
  /** Receives the summary as soon as it exists; phases fill it in as they finish (for --metrics-file, also on failure). */
  onSummary?: (s: RunSummary) => void;
  /** Write the run summary as JSON to this file. */
  reportJson?: string;
  /** --skip-if-locked: a match lock held by another process skips the run before its backfill. */
  skipIfLocked?: boolean;
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
  const summary: RunSummary = { phases: { migrate: { ms: since(t), applied }, backfill: null, match: null }, skipped: runSkips(null, null), newSkipped: null, strict: !!opts.strict, totalMs: 0 };
  opts.onSummary?.(summary);
  const previous = await lastSucceededBackfill(db.pool);

  await preflight(ctx);
  await betweenPhases('backfill', opts, ctx);
  // The match phase would skip: skip now, before backfilling next to the process at work.
  if (opts.skipIfLocked) await assertLockFree(db, 'match', 'another fitmatch match, incremental run or rollback on this database');
  t = performance.now();
  // An incremental run that changes nothing leaves no trail: its backfill is recorded only if it changed something.
  const b = await backfill({ ...opts.backfill, dryRun: false, recordIfUnchanged: !opts.match.incremental }, ctx);
  summary.phases.backfill = { ms: since(t), source: b.source, talents: b.entity.talents, jobs: b.entity.jobs };

  await betweenPhases('match', opts, ctx);
  t = performance.now();
  const m = await match({ ...opts.match, publish: true }, ctx);
  // A full run's or an incremental run's counts (m.params.incremental says which); the fields read below are each's.
  const c = m.counts as MergedFullRunCounts & IncrementalRunCounts;
  summary.phases.match = {
    ms: since(t),
    runId: m.runId,
    published: m.published,
    incremental: m.params.incremental === true ? { unchanged: 'unchanged' in m.counts && m.counts.unchanged === true, talentsChanged: c.talentsAdded + c.talentsChanged + c.talentsRemoved, jobsChanged: c.jobsAdded + c.jobsChanged + c.jobsRemoved, rowsWritten: c.rowsWritten } : null,
    eligibleTalents: c.eligibleTalents,
    eligibleJobs: c.eligibleJobs,
    talentsWithMatch: c.talentsWithMatch,
    jobsWithMatch: c.jobsWithMatch,
    rowsTalentToJob: c.rowsTalentToJob,
    rowsJobToTalent: c.rowsJobToTalent,
  };

  summary.skipped = runSkips(b, m.counts);
  const fresh = newSkips(summary.skipped, previous ? runSkips(previous.counts, null) : null);
  const sourceRows = Object.values(b.rowSkips).reduce((n, r) => n + r.count, 0) + [b.entity.talents, b.entity.jobs].reduce((n, e) => n + e.inserted + e.updated + e.unchanged, 0);
  const allowed = allowedNewSkips(opts.maxSkipped ?? { rows: 0 }, sourceRows);
  summary.newSkipped = { ...fresh, comparedWithRunId: previous?.id ?? null, allowed, sourceRows };
  summary.totalMs = since(t0);
  log.event('run_summary', { summary }, formatRunSummary(summary).split('\n')[0]);
  if (opts.reportJson) writeFileSync(opts.reportJson, redact(JSON.stringify(summary, null, 2)) + '\n');
  if (opts.strict && fresh.total > allowed) {
    const against = previous ? `backfill run ${previous.id}` : 'nothing (no earlier backfill succeeded)';
    throw withReport(
      new FitmatchError(
        `--strict: ${fresh.total} new bad source row(s) compared with ${against}, more than the ${allowed} --max-skipped allows (${formatReasons(fresh.byReason)}); run ${m.runId} is published all the same`,
        ExitCode.SKIPPED_ROWS,
      ),
      runReport(summary),
    );
  }
  return summary;
}

/**
 * The settings only the server or the data can judge, checked before any work:
 * --write-mode on this server, and --memory for this many postings at these
 * dimensions (judged on the embeddings as they are before the backfill). A run
 * never backfills for minutes and then refuses a setting (exit 2).
 */
async function preflight(ctx: CommandContext): Promise<void> {
  const { db, config, clock } = ctx;
  await chooseWritePath(db.pool, config.writeMode);
  const { snapshot, dims } = await readRunStart(db.pool, resolveEligibility(config, clock.now()));
  planRun({ memoryBytes: config.memory, dims, talents: snapshot.talents.ids.length, jobs: snapshot.jobs.ids.length, topK: config.topK, reserve: config.reserve });
}

async function betweenPhases(next: Phase, opts: RunOptions, ctx: CommandContext): Promise<void> {
  const done = next === 'backfill' ? 'the migration check' : 'the backfill';
  if (next === 'match') await holdPoint('before_match', ctx.log, ctx.signal).catch(() => undefined);
  if (ctx.signal.aborted) {
    throw new InterruptedError(`run stopped by signal after ${done}, before the ${next} phase: match_results is unchanged${next === 'match' ? ' (the backfilled embeddings are kept; the next run matches them)' : ''}`);
  }
  ctx.log.info(`run: ${next} phase`);
}
