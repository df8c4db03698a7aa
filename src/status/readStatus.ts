import type { CommandContext } from '../context.js';
import { lockName, locksHeld } from '../db/advisoryLock.js';
import { FACETS } from '../facets.js';
import { shardLockPurpose } from '../runs/cleanupRuns.js';
import type { Eligibility } from '../engine/eligibility.js';
import { publishedRowCounts, readPublishedState } from '../store/resultTables.js';
import { activeRuns, groupOf, laterSuccess, lastRuns as readLastRuns, type RunInfo } from '../store/runHistory.js';
import { existingTables } from '../store/sql.js';
import { matchRunById, runBlocks } from '../store/runStore.js';
import { readMigrationState } from '../migrate/migrator.js';
import { runSkips, type RunSkips } from './runSkips.js';
import { lastSucceededBackfill } from '../store/lastBackfill.js';
import { isStaged } from '../store/runLifecycle.js';
import { eligibilityNow } from './eligibilityNow.js';
import { readCoverage, type Coverage } from '../store/readCoverage.js';
import { runProgress, type RunProgress } from './runProgress.js';
import { statusExitCode, statusProblems, type StatusProblem } from './statusProblems.js';

export type { RunInfo };

export type RunInProgress = RunInfo & {
  /** Some process holds the lock this run works under (the match or backfill lock, or one of its shard locks). */
  alive: boolean;
  /** Blocks done of total, per shard, missing shards and ETA (match runs). */
  progress: RunProgress | null;
  /** A dead run a later run of its kind succeeded after: it is not in progress, only left over. */
  supersededBy: number | null;
  /** The command that continues it, or cleans it up. */
  next: string | null;
};

export interface StatusReport {
  database: string;
  at: string;
  published: {
    runId: number;
    baseRunId: number;
    publishedAt: string;
    ageMs: number;
    topK: number;
    reserve: number;
    weights: Record<string, number>;
    rows: { talentToJob: number; jobToTalent: number };
  } | null;
  lastRuns: { match: RunInfo[]; backfill: RunInfo[] };
  inProgress: RunInProgress[];
  /** null when fitmatch's tables do not exist yet. */
  coverage: (Coverage & { eligibility: Eligibility; rulesOfRun: number | null }) | null;
  /** What the last successful backfill skipped, by the one definition runs use (src/status/runSkips.ts). */
  skipped: (RunSkips & { backfillRunId: number }) | null;
  migrations: { pending: string[] };
  health: { exitCode: number; maxAgeMs: number | null; minCoverage: number | null; problems: StatusProblem[] };
}

/** Everything `fitmatch status` reports, read from the database as it is now. */
export async function readStatus(ctx: Pick<CommandContext, 'db' | 'clock' | 'config'>, o: { maxAgeMs: number | null; runs: number; minCoverage?: number | null }): Promise<StatusReport> {
  const { db, clock, config } = ctx;
  const pool = db.pool;
  const now = clock.now();
  const tables = await existingTables(pool);
  const lock = (purpose: string) => lockName(db.settings.database, purpose);

  const state = tables.has('match_published') ? await readPublishedState(pool) : null;
  let published: StatusReport['published'] = null;
  let runRules: Eligibility | null = null;
  if (state) {
    published = {
      runId: state.runId,
      baseRunId: state.baseRunId,
      publishedAt: state.publishedAt.toISOString(),
      ageMs: now.getTime() - state.publishedAt.getTime(),
      topK: state.topK,
      reserve: state.reserve,
      weights: Object.fromEntries(FACETS.map((f, i) => [f, state.weights[i]])),
      rows: await publishedRowCounts(pool),
    };
    // Full or incremental: an increment keeps the rules of the set it changes.
    runRules = (await matchRunById(pool, state.runId))?.params.eligibility ?? null;
  }

  const lastRuns: StatusReport['lastRuns'] = { match: [], backfill: [] };
  const inProgress: RunInProgress[] = [];
  if (tables.has('match_runs')) {
    for (const group of ['match', 'backfill'] as const) {
      lastRuns[group] = await readLastRuns(pool, group, o.runs, now);
    }
    const [matchLockHeld, backfillLockHeld] = await locksHeld(pool, [lock('match'), lock('backfill')]);
    let newestOneProcess = { match: true, backfill: true };
    for (const r of await activeRuns(pool, now)) {
      let alive = false;
      let progress: RunProgress | null = null;
      if (isStaged(r.status)) {
        // Complete and unpublished on purpose (--no-publish): no process is meant to hold it.
        const supersededBy = await laterSuccess(pool, r.id, groupOf(r.kind));
        inProgress.push({ ...r, alive, progress, supersededBy, next: nextCommand(r, supersededBy, progress) });
        continue;
      }
      if (r.kind === 'backfill') {
        alive = newestOneProcess.backfill && backfillLockHeld;
        newestOneProcess = { ...newestOneProcess, backfill: false };
      } else {
        const shardsAlive = await locksHeld(pool, Array.from({ length: r.shards }, (_, i) => lock(shardLockPurpose(r.id, i))));
        // A one-process run holds the match lock throughout; only the newest such run can be its holder.
        const holdsMatchLock = r.runKey === null && newestOneProcess.match && matchLockHeld;
        if (r.runKey === null) newestOneProcess = { ...newestOneProcess, match: false };
        alive = holdsMatchLock || shardsAlive.some(Boolean);
        const live = new Set(shardsAlive.flatMap((a, i) => (a || holdsMatchLock ? [i] : [])));
        progress = runProgress(await runBlocks(pool, r.id), live, new Date(r.startedAt));
      }
      const supersededBy = alive ? null : await laterSuccess(pool, r.id, groupOf(r.kind));
      inProgress.push({ ...r, alive, progress, supersededBy, next: alive ? null : nextCommand(r, supersededBy, progress) });
    }
  }

  const eligibility = eligibilityNow(runRules, config, now);
  const coverage = tables.has('talent_embeddings') && tables.has('match_results') ? { eligibility, rulesOfRun: runRules ? state!.runId : null, ...(await readCoverage(pool, eligibility, tables)) } : null;
  const pending = (await readMigrationState(db)).pending.map((m) => m.tag);

  const dead = new Set(inProgress.filter((r) => !r.alive && !isStaged(r.status) && r.runKey === null && r.supersededBy === null).map((r) => r.id));
  const problems = statusProblems({
    now,
    published: state && published ? { ...state, rows: published.rows.talentToJob + published.rows.jobToTalent } : null,
    maxAgeMs: o.maxAgeMs,
    lastRuns: (['match', 'backfill'] as const).filter((g) => lastRuns[g][0]).map((g) => ({ kind: g, id: lastRuns[g][0].id, status: lastRuns[g][0].status, error: lastRuns[g][0].error, dead: dead.has(lastRuns[g][0].id) })),
    coverage: coverage && {
      talents: { eligible: coverage.eligible.talents, without: coverage.withoutEmbedding.talents.count },
      jobs: { eligible: coverage.eligible.jobs, without: coverage.withoutEmbedding.jobs.count },
    },
    minCoverage: o.minCoverage ?? null,
  });
  const lastBackfill = tables.has('match_runs') ? await lastSucceededBackfill(pool) : null;
  return {
    database: db.settings.display,
    at: now.toISOString(),
    published,
    lastRuns,
    inProgress: inProgress.reverse(),
    coverage,
    skipped: lastBackfill ? { backfillRunId: lastBackfill.id, ...runSkips(lastBackfill.counts, null) } : null,
    migrations: { pending },
    health: { exitCode: statusExitCode(problems), maxAgeMs: o.maxAgeMs, minCoverage: o.minCoverage ?? null, problems },
  };
}

/** What an operator runs next for a run no process is working on. */
function nextCommand(r: RunInfo, supersededBy: number | null, progress: RunProgress | null): string {
  const cleanup = r.runKey ? `fitmatch cleanup --run-key ${r.runKey}` : `fitmatch cleanup --run-id ${r.id}`;
  if (supersededBy !== null) return `${cleanup} (superseded by run ${supersededBy}; the next match also cleans it up)`;
  if (isStaged(r.status)) return `fitmatch publish --run-id ${r.id} (computed with --no-publish), or ${cleanup}`;
  if (r.kind === 'backfill') return 'fitmatch backfill (it marks this run failed and continues where the embeddings are)';
  if (r.kind === 'incremental') return 'fitmatch match --incremental (it marks this run failed and starts over)';
  if (r.runKey) return `fitmatch match --shard I/${r.shards} --run-key ${r.runKey} for shard(s) ${progress?.missingShards.join(', ') || 'with pending blocks'}, or ${cleanup}`;
  return `fitmatch match --resume, or ${cleanup}`;
}
