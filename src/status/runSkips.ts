import type { BackfillSummary } from '../backfill/summary.js';
import { FACETS } from '../facets.js';

/**
 * What a run skipped, by reason. `total` is the one skip count every report
 * uses (run and incremental summaries, status, metrics, --strict): bad source
 * rows. Every backfill reads every matching_vectors row, so a full and an
 * incremental run over the same data count the same rows.
 */
export interface RunSkips {
  /** Bad source rows. */
  total: number;
  /** "row:<reason>" -> count. */
  byReason: Record<string, number>;
  /** Skips that are the app's normal state, not bad data (counted, never failed on). */
  expected: Record<string, number>;
  /**
   * Facets and blobs dropped from the entities this run read ("facet:<reason>",
   * "match:<reason>[:<facet>]"): all of them in a full run, only the changed ones
   * in an incremental run, so these are detail, not a count to compare.
   */
  dropped: Record<string, number>;
}

/**
 * matching_vectors rows of soft-deleted talents and postings: the app keeps them,
 * so they are skipped every night. Failing --strict on them would fail forever.
 */
export const EXPECTED_ROW_SKIPS: readonly string[] = ['talent_deleted', 'posting_deleted'];

const sum = (v: unknown): number => (Array.isArray(v) ? v.reduce((a: number, b) => a + Number(b), 0) : Number(v ?? 0));
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

type RowSkips = Record<string, { count: number } | undefined>;

/** Merges a backfill's skips (a summary, or the counts its run recorded) and a match's counts into one tally. */
export function runSkips(backfill: { rowSkips?: RowSkips; facetSkips?: RowSkips } | Pick<BackfillSummary, 'rowSkips' | 'facetSkips'> | null, matchCounts: object | null): RunSkips {
  const byReason: Record<string, number> = {};
  const expected: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  for (const [reason, r] of Object.entries(backfill?.rowSkips ?? {})) (EXPECTED_ROW_SKIPS.includes(reason) ? expected : byReason)[`row:${reason}`] = Number(r?.count ?? 0);
  for (const [reason, r] of Object.entries(backfill?.facetSkips ?? {})) dropped[`facet:${reason}`] = Number(r?.count ?? 0);
  const c: Partial<Record<'skippedWrongDim' | 'skippedInvalid' | 'skippedCorruptRows', unknown>> = matchCounts ?? {};
  const perFacet = (name: string, v: unknown) => {
    if (!Array.isArray(v)) return;
    v.forEach((n, f) => Number(n) > 0 && (dropped[`match:${name}:${FACETS[f]}`] = Number(n)));
  };
  perFacet('wrong_dim', c.skippedWrongDim);
  perFacet('invalid_vector', c.skippedInvalid);
  if (sum(c.skippedCorruptRows) > 0) dropped['match:unreadable_row'] = sum(c.skippedCorruptRows);
  return { total: total(byReason), byReason, expected, dropped };
}

/** Bad rows that were not bad in the previous run: per reason, what grew (null previous: all of them). */
export function newSkips(now: RunSkips, previous: RunSkips | null): { total: number; byReason: Record<string, number> } {
  const byReason: Record<string, number> = {};
  for (const [k, n] of Object.entries(now.byReason)) {
    const grew = n - (previous?.byReason[k] ?? 0);
    if (grew > 0) byReason[k] = grew;
  }
  return { total: total(byReason), byReason };
}

/** --max-skipped: "N" rows, or "P%" of the source rows read. */
export type SkipLimit = { rows: number } | { share: number };

export function parseSkipLimit(raw: string): SkipLimit {
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(raw.trim());
  if (pct && Number(pct[1]) <= 100) return { share: Number(pct[1]) / 100 };
  if (/^\d+$/.test(raw.trim())) return { rows: Number(raw.trim()) };
  throw new Error(`--max-skipped must be a number of rows such as 10 or a share of the source rows such as 0.5%, got "${raw}"`);
}

/** The most new bad rows the limit allows, out of `sourceRows` read. */
export const allowedNewSkips = (limit: SkipLimit, sourceRows: number): number => ('rows' in limit ? limit.rows : Math.floor(limit.share * sourceRows));

/** "row:no_talent_profile 1, facet:wrong_dim 2" (largest first). */
export const formatReasons = (r: Record<string, number>): string =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
