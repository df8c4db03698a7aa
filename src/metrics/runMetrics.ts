import type { RunSummary } from '../status/runSummary.js';
import { isStaged } from '../store/runLifecycle.js';
import type { StatusReport } from '../status/readStatus.js';
import { coverageShare } from '../status/statusProblems.js';
import { previousValue, writeTextfile, type Gauge } from './textfile.js';
import { messageOf } from '../errors.js';

const seconds = (ms: number) => ms / 1000;

/** `run --metrics-file`: what this run did and how it ended, plus the time of the last run that exited 0. */
export function writeRunMetrics(path: string, r: { exitCode: number; summary: RunSummary | null; finishedAt: Date }): void {
  const now = seconds(r.finishedAt.getTime());
  const lastSuccess = r.exitCode === 0 ? now : previousValue(path, 'fitmatch_run_last_success_timestamp_seconds');
  const s = r.summary;
  const phases = s ? ([['migrate', s.phases.migrate], ['backfill', s.phases.backfill], ['match', s.phases.match]] as const) : [];
  const m = s?.phases.match;
  const gauges: Gauge[] = [
    { name: 'fitmatch_run_exit_code', help: 'Exit code of the last fitmatch run (README "Exit codes").', samples: [{ value: r.exitCode }] },
    { name: 'fitmatch_run_last_finished_timestamp_seconds', help: 'When the last fitmatch run ended, whatever its exit code.', samples: [{ value: now }] },
    { name: 'fitmatch_run_last_success_timestamp_seconds', help: 'When the last fitmatch run that exited 0 ended.', samples: lastSuccess === null ? [] : [{ value: lastSuccess }] },
    {
      name: 'fitmatch_run_phase_duration_seconds',
      help: 'Duration of each phase of the last run (total: the whole run).',
      samples: [...phases.flatMap(([phase, p]) => (p ? [{ labels: { phase }, value: seconds(p.ms) }] : [])), ...(s && s.totalMs ? [{ labels: { phase: 'total' }, value: seconds(s.totalMs) }] : [])],
    },
    { name: 'fitmatch_run_published_rows', help: 'Rows the last run published, by direction (full runs).', samples: m && !m.incremental ? [{ labels: { direction: 'talent_to_job' }, value: m.rowsTalentToJob }, { labels: { direction: 'job_to_talent' }, value: m.rowsJobToTalent }] : [] },
    { name: 'fitmatch_run_eligible', help: 'Eligible talents and postings in the last full run.', samples: m && !m.incremental ? [{ labels: { side: 'talents' }, value: m.eligibleTalents }, { labels: { side: 'postings' }, value: m.eligibleJobs }] : [] },
    { name: 'fitmatch_run_skipped_rows', help: 'Bad source rows the last run skipped (soft-deleted rows not counted).', samples: s && s.phases.backfill ? [{ value: s.skipped.total }] : [] },
    { name: 'fitmatch_run_new_skipped_rows', help: 'Bad source rows that were not bad in the previous successful backfill (what --strict judges).', samples: s?.newSkipped ? [{ value: s.newSkipped.total }] : [] },
  ];
  writeTextfile(path, gauges);
}

/**
 * `status --metrics-file`: health, age of the published set, coverage and skips,
 * as gauges. Without a report (status could not read one: the database is
 * unreachable) only the exit code and the time are written.
 */
export function writeStatusMetrics(path: string, report: StatusReport | null, exitCode: number, at: Date): void {
  if (!report) {
    writeTextfile(path, [statusExitGauge(exitCode), statusTimeGauge(seconds(at.getTime()))]);
    return;
  }
  const s = report;
  const c = s.coverage;
  const gauges: Gauge[] = [
    statusExitGauge(exitCode),
    statusTimeGauge(seconds(Date.parse(s.at))),
    { name: 'fitmatch_published_timestamp_seconds', help: 'When the published run was published.', samples: s.published ? [{ value: seconds(Date.parse(s.published.publishedAt)) }] : [] },
    { name: 'fitmatch_published_age_seconds', help: 'Age of the published run.', samples: s.published ? [{ value: seconds(s.published.ageMs) }] : [] },
    { name: 'fitmatch_published_rows', help: 'Rows in match_results, by direction.', samples: s.published ? [{ labels: { direction: 'talent_to_job' }, value: s.published.rows.talentToJob }, { labels: { direction: 'job_to_talent' }, value: s.published.rows.jobToTalent }] : [] },
    { name: 'fitmatch_eligible', help: 'Talents and postings eligible by the rules now.', samples: c ? [{ labels: { side: 'talents' }, value: c.eligible.talents }, { labels: { side: 'postings' }, value: c.eligible.jobs }] : [] },
    { name: 'fitmatch_coverage_ratio', help: 'Share of eligible talents and postings that have an embedding.', samples: c ? [{ labels: { side: 'talents' }, value: coverageShare({ eligible: c.eligible.talents, without: c.withoutEmbedding.talents.count }) }, { labels: { side: 'postings' }, value: coverageShare({ eligible: c.eligible.jobs, without: c.withoutEmbedding.jobs.count }) }] : [] },
    { name: 'fitmatch_skipped_rows', help: 'Bad source rows the last successful backfill skipped (soft-deleted rows not counted).', samples: s.skipped ? [{ value: s.skipped.total }] : [] },
    { name: 'fitmatch_runs_in_progress', help: 'Runs in progress with a live process (alive) or without one (dead), and runs computed with --no-publish awaiting publish.', samples: [{ labels: { state: 'alive' }, value: s.inProgress.filter((r) => r.alive).length }, { labels: { state: 'dead' }, value: s.inProgress.filter((r) => !r.alive && !isStaged(r.status)).length }, { labels: { state: 'awaiting_publish' }, value: s.inProgress.filter((r) => isStaged(r.status)).length }] },
    { name: 'fitmatch_migrations_pending', help: 'fitmatch migrations not applied.', samples: [{ value: s.migrations.pending.length }] },
  ];
  writeTextfile(path, gauges);
}

const statusExitGauge = (exitCode: number): Gauge => ({ name: 'fitmatch_status_exit_code', help: 'Exit code of the last fitmatch status (0 healthy, 20 stale, 21 last run failed, 22 nothing published, 25 coverage; 3 database unreachable, README "Exit codes").', samples: [{ value: exitCode }] });
const statusTimeGauge = (at: number): Gauge => ({ name: 'fitmatch_status_timestamp_seconds', help: 'When fitmatch status last ran.', samples: [{ value: at }] });

/** After the command: a metrics file that cannot be written is worth a warning, not a different exit code. */
export function writeMetricsOrWarn(path: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    process.stderr.write(`warning: could not write --metrics-file ${path}: ${messageOf(e)}\n`);
  }
}
