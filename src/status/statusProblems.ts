import { ExitCode } from '../errors.js';
import { formatDuration } from '../formatDuration.js';
import { hasStopped, type RunStatus } from '../store/runLifecycle.js';

export type ProblemKind = 'nothing_published' | 'empty_published' | 'last_run_failed' | 'stale' | 'coverage';

export interface StatusProblem {
  kind: ProblemKind;
  exitCode: number;
  message: string;
}

/**
 * When several problems apply, the exit code is the first of these: nothing
 * published at all is the most fundamental; a failed last run is usually why
 * the published set got old, so it comes before staleness.
 */
export const STATUS_PRECEDENCE: readonly { kind: ProblemKind; exitCode: number }[] = [
  { kind: 'nothing_published', exitCode: ExitCode.STATUS_INCOMPLETE },
  { kind: 'empty_published', exitCode: ExitCode.STATUS_INCOMPLETE },
  { kind: 'last_run_failed', exitCode: ExitCode.STATUS_FAILED },
  { kind: 'stale', exitCode: ExitCode.STATUS_STALE },
  { kind: 'coverage', exitCode: ExitCode.STATUS_COVERAGE },
];

export interface HealthFacts {
  now: Date;
  /** rows: in match_results, both directions. */
  published: { runId: number; publishedAt: Date; rows: number } | null;
  /** null: no age limit. */
  maxAgeMs: number | null;
  /** The newest run of each kind (absent when there is none). */
  lastRuns: { kind: 'match' | 'backfill'; id: number; status: RunStatus; error: string | null; dead?: boolean }[];
  /** Eligible talents and postings, and how many of them have no embedding (null: unknown). */
  coverage?: { talents: { eligible: number; without: number }; jobs: { eligible: number; without: number } } | null;
  /** --min-coverage: the least share of eligible talents and of eligible postings that must have an embedding (null: no limit). */
  minCoverage?: number | null;
}

/** The share of eligible entities with an embedding (1 when none is eligible). */
export const coverageShare = (c: { eligible: number; without: number }): number => (c.eligible > 0 ? (c.eligible - c.without) / c.eligible : 1);
const pct = (x: number) => `${(Math.floor(x * 1000) / 10).toFixed(1)}%`;

const codeOf = (kind: ProblemKind) => STATUS_PRECEDENCE.find((p) => p.kind === kind)!.exitCode;

/** Every problem that applies, in precedence order. */
export function statusProblems(f: HealthFacts): StatusProblem[] {
  const out: StatusProblem[] = [];
  if (!f.published) out.push({ kind: 'nothing_published', exitCode: codeOf('nothing_published'), message: 'nothing has ever been published: match_results is empty' });
  else if (f.published.rows === 0) {
    out.push({ kind: 'empty_published', exitCode: codeOf('empty_published'), message: `the published run ${f.published.runId} has no match at all: match_results is empty (were embeddings backfilled?)` });
  }
  for (const r of f.lastRuns) {
    const failed = hasStopped(r.status);
    if (!failed && !r.dead) continue;
    const what = r.dead ? `is still marked ${r.status} but no process holds its lock (the process died)` : `${r.status}${r.error ? `: ${oneLine(r.error)}` : ''}`;
    out.push({ kind: 'last_run_failed', exitCode: codeOf('last_run_failed'), message: `the last ${r.kind} run (${r.id}) ${what}` });
  }
  if (f.published && f.maxAgeMs !== null) {
    const age = f.now.getTime() - f.published.publishedAt.getTime();
    if (age > f.maxAgeMs) {
      out.push({ kind: 'stale', exitCode: codeOf('stale'), message: `the published run ${f.published.runId} is ${formatDuration(age)} old, more than --max-age ${formatDuration(f.maxAgeMs)}` });
    }
  }
  if (f.coverage && f.minCoverage != null) {
    for (const [side, c] of [['talents', f.coverage.talents], ['postings', f.coverage.jobs]] as const) {
      const share = coverageShare(c);
      if (share < f.minCoverage) {
        out.push({ kind: 'coverage', exitCode: codeOf('coverage'), message: `only ${pct(share)} of eligible ${side} have an embedding (${c.without} of ${c.eligible} without), less than --min-coverage ${pct(f.minCoverage)}` });
      }
    }
  }
  return out;
}

/** 0 when healthy, else the exit code of the first problem by STATUS_PRECEDENCE. */
export function statusExitCode(problems: readonly StatusProblem[]): number {
  return STATUS_PRECEDENCE.find((p) => problems.some((x) => x.kind === p.kind))?.exitCode ?? ExitCode.OK;
}

const oneLine = (s: string) => {
  const first = s.split('\n')[0];
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
};
