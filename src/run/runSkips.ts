import type { BackfillSummary } from '../backfill/summary.js';
import { FACETS } from '../facets.js';

/**
 * What a run skipped, by reason: source rows and facets the backfill could not
 * use, blobs the match could not use. `--strict` fails on `total`.
 */
export interface RunSkips {
  /** Skips that mean bad data: what `--strict` judges. */
  total: number;
  /** "row:<reason>", "facet:<reason>", "match:<reason>[:<facet>]" -> count. */
  byReason: Record<string, number>;
  /** Skips that are the app's normal state, not bad data (counted, never failed on). */
  expected: Record<string, number>;
}

/**
 * matching_vectors rows of soft-deleted talents and postings: the app keeps them,
 * so they are skipped every night. Failing --strict on them would fail forever.
 */
export const EXPECTED_ROW_SKIPS: readonly string[] = ['talent_deleted', 'posting_deleted'];

const sum = (v: unknown): number => (Array.isArray(v) ? v.reduce((a: number, b) => a + Number(b), 0) : Number(v ?? 0));

/** Merges a backfill summary's skips and a match's counts into one tally. */
export function runSkips(backfill: Pick<BackfillSummary, 'rowSkips' | 'facetSkips'> | null, matchCounts: Record<string, unknown> | null): RunSkips {
  const byReason: Record<string, number> = {};
  const expected: Record<string, number> = {};
  for (const [reason, r] of Object.entries(backfill?.rowSkips ?? {})) (EXPECTED_ROW_SKIPS.includes(reason) ? expected : byReason)[`row:${reason}`] = r.count;
  for (const [reason, r] of Object.entries(backfill?.facetSkips ?? {})) byReason[`facet:${reason}`] = r.count;
  const c = matchCounts ?? {};
  const perFacet = (name: string, v: unknown) => {
    if (!Array.isArray(v)) return;
    v.forEach((n, f) => Number(n) > 0 && (byReason[`match:${name}:${FACETS[f]}`] = Number(n)));
  };
  perFacet('wrong_dim', c.skippedWrongDim);
  perFacet('invalid_vector', c.skippedInvalid);
  if (sum(c.skippedCorruptRows) > 0) byReason['match:unreadable_row'] = sum(c.skippedCorruptRows);
  return { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason, expected };
}

/** "row:no_talent_profile 1, facet:wrong_dim 2" (largest first). */
export const formatReasons = (r: Record<string, number>): string =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
