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
      incremental: { talentsChanged: number; jobsChanged: number; rowsWritten: number } | null;
      eligibleTalents: number;
      eligibleJobs: number;
      talentsWithMatch: number;
      jobsWithMatch: number;
      rowsTalentToJob: number;
      rowsJobToTalent: number;
    } | null;
  };
  skipped: RunSkips;
  strict: boolean;
  totalMs: number;
}

const counts = (c: Counts) => `${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged, ${c.removed} removed`;

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
    lines.push(`  match: incremental run ${match.runId} published; ${i.talentsChanged} talents and ${i.jobsChanged} postings changed; ${i.rowsWritten} rows written`);
  } else if (match) {
    lines.push(
      `  match: run ${match.runId} ${match.published ? 'published' : 'not published'}; ${match.eligibleTalents} talents × ${match.eligibleJobs} postings eligible; ` +
        `rows ${match.rowsTalentToJob} talent_to_job + ${match.rowsJobToTalent} job_to_talent; ` +
        `no match: ${match.eligibleTalents - match.talentsWithMatch} talents, ${match.eligibleJobs - match.jobsWithMatch} postings`,
    );
  }
  const expected = Object.keys(s.skipped.expected).length ? `; not counted (soft-deleted in the app): ${formatReasons(s.skipped.expected)}` : '';
  lines.push(
    s.skipped.total
      ? `  skipped as bad data: ${s.skipped.total} (${formatReasons(s.skipped.byReason)})${s.strict ? ' -> --strict: exit 9' : ''}${expected}`
      : `  skipped as bad data: none${expected}`,
  );
  return lines.join('\n');
}
