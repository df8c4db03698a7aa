import { FACETS } from '../facets.js';
import type { Counts, ReasonCount } from '../store/runCounts.js';

export type { Counts, ReasonCount };

const EXAMPLES = 5;

export interface BackfillSummary {
  source: 'matching_vectors' | 'text';
  dryRun: boolean;
  full: boolean;
  entity: { talents: Counts; jobs: Counts };
  /** Skipped source rows (or entities) by reason. */
  rowSkips: Record<string, ReasonCount>;
  /** Facets treated as missing, by reason. */
  facetSkips: Record<string, ReasonCount>;
  /** Stored facet count per facet name (rows written in this run). */
  facetsWritten: Record<string, number>;
  dims: Record<string, number | null>;
  model: string;
  /** Text source: facets sent to the embedding provider (or that would be, on a dry run). */
  facetsEmbedded?: number;
  tokens?: number;
  /** matching_vectors: source rows whose payloads were read for their list lengths (new, or changed since recorded). */
  rowsMeasured?: number;
  /** matching_vectors: entities revisited because the facet dimensions they were stored under are no longer the decision. */
  revisited?: { entities: number; dims: string };
  timingsMs: Record<string, number>;
  interrupted: boolean;
}

const zero = (): Counts => ({ inserted: 0, updated: 0, unchanged: 0, removed: 0, touched: 0 });

export function newSummary(source: BackfillSummary['source'], opts: { dryRun: boolean; full: boolean }): BackfillSummary {
  return {
    source,
    dryRun: opts.dryRun,
    full: opts.full,
    entity: { talents: zero(), jobs: zero() },
    rowSkips: {},
    facetSkips: {},
    facetsWritten: Object.fromEntries(FACETS.map((f) => [f, 0])),
    dims: {},
    model: '',
    timingsMs: {},
    interrupted: false,
  };
}

export function countReason(into: Record<string, ReasonCount>, reason: string, example: string | number): void {
  const r = (into[reason] ??= { count: 0, examples: [] });
  r.count++;
  if (r.examples.length < EXAMPLES) r.examples.push(String(example));
}

export const totalWrites = (s: BackfillSummary): number =>
  [s.entity.talents, s.entity.jobs].reduce((n, c) => n + c.inserted + c.updated + c.removed + c.touched, 0);

/** Human-readable lines for the log. */
export function formatSummary(s: BackfillSummary): string[] {
  const verb = s.dryRun ? 'would be ' : '';
  const line = (name: string, c: Counts) =>
    `${name}: ${c.inserted} ${verb}inserted, ${c.updated} ${verb}updated, ${c.unchanged} unchanged, ${c.removed} ${verb}removed${c.touched ? `, ${c.touched} metadata-only` : ''}`;
  const out = [line('talents', s.entity.talents), line('jobs', s.entity.jobs)];
  const reasons = (title: string, r: Record<string, ReasonCount>) => {
    for (const [reason, { count, examples }] of Object.entries(r).sort((a, b) => b[1].count - a[1].count)) {
      out.push(`  ${title} ${reason}: ${count} (e.g. ${examples.join(', ')})`);
    }
  };
  if (s.revisited) out.push(`  revisited ${s.revisited.entities} entities: the facet dimensions are now ${s.revisited.dims}`);
  reasons('skipped row', s.rowSkips);
  reasons('skipped facet', s.facetSkips);
  if (totalWrites(s) === 0) out.push(s.interrupted ? 'interrupted before anything was written' : 'nothing to do: embeddings are up to date');
  return out;
}
