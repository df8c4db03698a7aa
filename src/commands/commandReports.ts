import type { BackfillSummary } from '../backfill/summary.js';
import { formatSummary } from '../backfill/summary.js';
import type { CleanupResult } from './cleanup.js';
import type { MigrateResult } from './migrate.js';
import type { RollbackResult } from './rollback.js';
import { report, type Report } from '../report.js';
import { formatIncrementalSummary, formatMatchSummary, type MatchSummary } from '../runs/matchSummary.js';
import type { SeedManifest } from '../seed/manifest.js';
import { formatRunSummary, type RunSummary } from '../status/runSummary.js';

/** Each command's report: its result as data (--json) and the lines a person reads on stdout. */
export const runReport = (s: RunSummary): Report => report(s, formatRunSummary(s));

export const backfillReport = (s: BackfillSummary): Report => report(s, [`backfill (${s.source}${s.full ? ', --full' : ''}${s.dryRun ? ', --dry-run' : ''}):`, ...formatSummary(s).map((l) => `  ${l}`)].join('\n'));

export function matchReport(s: MatchSummary): Report {
  if (s.params.incremental === true) return report(s, formatIncrementalSummary(s));
  if (!s.published && s.shard.count > 1) {
    return report(s, `shard ${s.shard.index}/${s.shard.count} of run ${s.runId}${s.runKey ? ` ("${s.runKey}")` : ''} done: ${s.plan.blocksDone} block(s) computed; the last shard to finish publishes the run`);
  }
  return report(s, formatMatchSummary(s));
}

export const migrateReport = (database: string, r: MigrateResult): Report =>
  report({ database, applied: r.applied }, r.applied.length ? `applied ${r.applied.length} migration(s) to ${database}: ${r.applied.map((a) => `${a.tag} (${a.statements} statements)`).join(', ')}` : `nothing to migrate: ${database} is up to date`);

const runName = (id: number | null) => (id === null ? 'a set published before fitmatch recorded publications' : `run ${id}`);
export function rollbackReport(r: RollbackResult): Report {
  const step = (x: RollbackResult['steps'][number]) =>
    `${x.how === 'increment' ? `undo incremental ${runName(x.unpublishedRunId)}` : `swap ${runName(x.unpublishedRunId)} out (kept as the previous set)`}, restoring ${runName(x.restoredRunId)}${x.restoredPublishedAt ? ` (published ${x.restoredPublishedAt})` : ''}`;
  if (r.dryRun) return report(r, [`rollback --dry-run: would ${r.steps.length === 1 ? '' : `take ${r.steps.length} steps:\n  `}${r.steps.map(step).join('\n  ')}`, 'nothing was changed'].join('\n'));
  const done = (x: RollbackResult['steps'][number]) => (x.how === 'increment' ? `undid incremental ${runName(x.unpublishedRunId)}` : `swapped ${runName(x.unpublishedRunId)} out (kept as the previous set)`);
  return report(r, `rolled back${r.steps.length > 1 ? ` ${r.steps.length} steps` : ''}: ${r.steps.map(done).join(', then ')}; match_results now holds ${runName(r.restoredRunId)}`);
}

export const publishReport = (r: { runId: number; published: boolean; publishedNow: boolean; counts: object }): Report =>
  report(r, r.publishedNow ? `published run ${r.runId}` : `run ${r.runId} was published already; nothing to do`);

export const cleanupReport = (r: CleanupResult, dryRun: boolean): Report =>
  report(
    { ...r, dryRun },
    r.abandoned.length || r.droppedTables.length
      ? [
          `${dryRun ? 'would clean' : 'cleaned'} ${r.abandoned.length} run(s), ${r.droppedTables.length} table(s)`,
          ...r.abandoned.map((a) => `  run ${a.id}${a.runKey ? ` ("${a.runKey}")` : ''}: ${a.why}`),
          ...r.droppedTables.map((t) => `  table ${t}`),
        ].join('\n')
      : 'nothing to clean up',
  );

export const seedReport = (m: SeedManifest): Report =>
  report(m, `seeded ${m.rows.users} users, ${m.rows.talent_profiles} talent profiles, ${m.rows.companies} companies, ${m.rows.job_postings} postings, ${m.rows.matching_vectors} matching_vectors rows; a correct backfill imports ${m.expected.talentEmbeddings} talents and ${m.expected.jobEmbeddings} postings`);
