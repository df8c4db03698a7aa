import type { Counts } from '../backfill/summary.js';
import { formatDuration } from '../formatDuration.js';
import { formatReasons, type RunSkips } from './runSkips.js';

/** What `fitmatch run` did, phase by phase: logged as one event and written by --report-json. */
export interface RunSummary {
  phases: {
    migrate: { ms: number; applied: { tag: string; statements: number }[] };
    backfill: { ms: number; source: string; talents: Counts; jobs: Counts } | null;
    match: {
      ms: number;
      runId: number;
      published: boolean;
      /** Set when match ran incrementally: what changed and what it wrote. */
      incremental: { unchanged: boolean; talentsChanged: number; jobsChanged: number; rowsWritten: number } | null;
      eligibleTalents: number;
      eligibleJobs: number;
      talentsWithMatch: number;
      jobsWithMatch: number;
      rowsTalentToJob: number;
      rowsJobToTalent: number;
    } | null;
  };
  skipped: RunSkips;
  /** Bad rows that grew since the last successful backfill: what --strict judges. */
  newSkipped: { total: number; byReason: Record<string, number>; comparedWithRunId: number | null; allowed: number; sourceRows: number } | null;
  strict: boolean;
  totalMs: number;
}

const counts = (c: Counts) => `${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged, ${c.removed} removed`;

/** The skip line of the run summary and of status: bad source rows by reason, and the soft-deleted ones not counted. */
export function formatSkipsLine(k: RunSkips): string {
  const expected = Object.keys(k.expected).length ? `; not counted (soft-deleted in the app): ${formatReasons(k.expected)}` : '';
  return `skipped as bad data: ${k.total ? `${k.total} source rows (${formatReasons(k.byReason)})` : 'none'}${expected}`;
}

export function formatRunSummary(s: RunSummary): string {
  const { migrate, backfill, match } = s.phases;
  const sec = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms));
  const lines = [
    `run finished in ${sec(s.totalMs)}: migrate ${sec(migrate.ms)}, backfill ${backfill ? sec(backfill.ms) : '-'}, match ${match ? sec(match.ms) : '-'}`,
    `  migrate: ${migrate.applied.length ? `applied ${migrate.applied.map((a) => a.tag).join(', ')}` : 'nothing pending'}`,
  ];
  if (backfill) lines.push(`  backfill (${backfill.source}): talents ${counts(backfill.talents)}; postings ${counts(backfill.jobs)}`);
  if (match?.incremental) {
    const i = match.incremental;
    if (i.unchanged) lines.push(`  match: nothing changed since the published run ${match.runId}; no run recorded, nothing published`);
    else lines.push(`  match: incremental run ${match.runId} published; ${i.talentsChanged} talents and ${i.jobsChanged} postings changed; ${i.rowsWritten} rows written`);
  } else if (match) {
    lines.push(
      `  match: run ${match.runId} ${match.published ? 'published' : 'not published'}; ${match.eligibleTalents} talents × ${match.eligibleJobs} postings eligible; ` +
        `rows ${match.rowsTalentToJob} talent_to_job + ${match.rowsJobToTalent} job_to_talent; ` +
        `no match: ${match.eligibleTalents - match.talentsWithMatch} talents, ${match.eligibleJobs - match.jobsWithMatch} postings`,
    );
  }
  lines.push(`  ${formatSkipsLine(s.skipped)}`);
  const n = s.newSkipped;
  if (n) {
    const against = n.comparedWithRunId === null ? 'no earlier successful backfill' : `backfill run ${n.comparedWithRunId}`;
    const verdict = s.strict ? (n.total > n.allowed ? `, more than --max-skipped ${n.allowed} -> --strict: exit 9` : `, within --max-skipped ${n.allowed}`) : '';
    lines.push(`  new bad rows since ${against}: ${n.total ? `${n.total} (${formatReasons(n.byReason)})` : 'none'}${verdict}`);
  }
  const dropped = Object.keys(s.skipped.dropped).length ? formatReasons(s.skipped.dropped) : '';
  if (dropped) lines.push(`  dropped from the entities this run read: ${dropped}`);
  return lines.join('\n');
}
