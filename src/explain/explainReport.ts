import { FACETS } from '../facets.js';
import { formatScore } from '../engine/scoreCents.js';
import type { Direction, PairVerdict, Reason } from './pairVerdict.js';
import type { PublishedRow } from '../store/readPlacement.js';

type Score = { score_100: number | null };

/** The app's /api/match/score shape, plus where the pair stands and why. */
export interface PairReport {
  talent_id: number;
  job_id: number;
  weights: Record<string, number>;
  overall: Score;
  /** Facets both sides have (usable under the run's dims); the others are absent. */
  facets: Record<string, { score_100: number }>;
  run_id: number | null;
  published_at: string | null;
  top_k: number | null;
  published: Record<Direction, { rank: number; score: number } | null>;
  /** null when the pair is listed in both directions. */
  absent_because: PairVerdict | null;
}

export interface EntityReport {
  talent_id?: number;
  job_id?: number;
  run_id: number | null;
  published_at: string | null;
  top_k: number | null;
  weights: Record<string, number>;
  /** By the published run's eligibility rules, on the data as it is now. */
  eligible: boolean;
  /** Why it is not (or will not stay) in the published lists; null: eligible, unchanged and listed. */
  diagnosis: Reason | null;
  /** Its published list, as the app's /api/match lists give it. */
  results: ({ job_id?: number; talent_id?: number; rank: number; overall: Score; facets: Record<string, { score_100: number }> })[];
}

/** score_100 rounded to 2 decimals, half away from zero (as match_results stores it). */
export const round2 = (x: number): number => Number(formatScore(x));

export const weightsOf = (w: readonly number[]): Record<string, number> => Object.fromEntries(FACETS.map((f, i) => [f, round2(w[i])]));

export function resultsOf(rows: PublishedRow[], subject: 'talent' | 'job'): EntityReport['results'] {
  return rows.map((r) => ({
    ...(subject === 'talent' ? { job_id: r.candidateId } : { talent_id: r.candidateId }),
    rank: r.rank,
    overall: { score_100: r.total },
    facets: Object.fromEntries(FACETS.flatMap((f, i) => (r.facets[i] === null ? [] : [[f, { score_100: r.facets[i]! }]]))),
  }));
}

const fixed = (x: number | null | undefined) => (x === null || x === undefined ? '-' : formatScore(x));
const runLine = (r: { run_id: number | null; published_at: string | null; top_k: number | null }) =>
  r.run_id === null ? 'nothing published yet' : `published run ${r.run_id} (${r.published_at}, top ${r.top_k})`;
const weightLine = (w: Record<string, number>) => Object.entries(w).map(([f, v]) => `${f}=${v}`).join(' ');

export function formatPairReport(r: PairReport): string {
  const shared = FACETS.filter((f) => r.facets[f]);
  const missing = FACETS.filter((f) => !r.facets[f]);
  const lines = [
    `talent ${r.talent_id} × job posting ${r.job_id}, ${runLine(r)}`,
    r.overall.score_100 === null ? `no score (a side without a usable embedding, or no shared facet with weight > 0), weights ${weightLine(r.weights)}` : `score ${fixed(r.overall.score_100)}, weights ${weightLine(r.weights)}`,
    `  facets: ${shared.map((f) => `${f} ${fixed(r.facets[f].score_100)}`).join(', ') || 'none shared'}${missing.length && shared.length ? ` (not shared: ${missing.join(', ')})` : ''}`,
  ];
  for (const d of ['talent_to_job', 'job_to_talent'] as const) {
    const at = r.published[d];
    const why = r.absent_because?.[d];
    lines.push(at ? `${d}: rank ${at.rank} (published score ${fixed(at.score)})` : `${d}: absent: ${why?.message ?? 'unknown'}`);
  }
  return lines.join('\n') + '\n';
}

export function formatEntityReport(r: EntityReport): string {
  const [label, other] = r.talent_id !== undefined ? [`talent ${r.talent_id}`, 'job'] : [`job posting ${r.job_id}`, 'talent'];
  const d = r.diagnosis;
  const state = !d ? 'eligible and listed' : `${r.eligible ? '' : 'NOT ELIGIBLE: '}${d.message}`;
  const lines = [`${label}, ${runLine(r)}`, `  ${state}`];
  if (r.results.length) {
    lines.push(`  ${'rank'.padStart(4)} ${other.padStart(10)} ${'score'.padStart(6)} ${FACETS.map((f) => f.padStart(7)).join(' ')}`);
    for (const row of r.results) {
      const id = row.job_id ?? row.talent_id;
      lines.push(`  ${String(row.rank).padStart(4)} ${String(id).padStart(10)} ${fixed(row.overall.score_100).padStart(6)} ${FACETS.map((f) => fixed(row.facets[f]?.score_100).padStart(7)).join(' ')}`);
    }
  } else if (r.run_id !== null) {
    lines.push('  no published results');
  }
  return lines.join('\n') + '\n';
}
