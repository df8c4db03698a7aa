import { FACET_COUNT, FACETS } from '../facets.js';
import { facetGroup, sampleAround } from './centroids.js';
import type { DirtyKind } from './dirty.js';
import type { GenState } from './genState.js';
import { recordDirty } from './manifest.js';
import { dirtyPayload, FACET_DIRTY_KINDS, validPayload, type FacetDirtyKind } from './payloads.js';
import type { Rng } from './rng.js';
import { RawSql, type Row, type SqlValue } from './tables.js';

export interface VectorRowSpec {
  userId: number;
  role: 'talent' | 'company';
  jobPostingId: number | null;
  cluster: number;
  culture: number;
  updatedAt: Date;
  /** The id recorded in the manifest for a dirty case (talent user id or posting id). */
  entityId: number;
  dirty?: DirtyKind | null;
}

const isFacetKind = (k: DirtyKind | null | undefined): k is FacetDirtyKind => FACET_DIRTY_KINDS.includes(k as FacetDirtyKind);

/**
 * One matching_vectors row: each facet is its group's centroid plus noise, written
 * in a random accepted shape, except where the spec's dirty kind breaks one facet
 * or leaves facets NULL. Returns the row and how many facets a backfill should accept.
 */
export function vectorRow(st: GenState, rng: Rng, spec: VectorRowSpec): { row: Row; validFacets: number } {
  const id = st.id('matching_vectors');
  const dirtyFacet = isFacetKind(spec.dirty) ? rng.int(FACET_COUNT) : -1;
  const missing = new Set<number>();
  if (spec.dirty === 'all_facets_missing') FACETS.forEach((_, f) => missing.add(f));
  if (spec.dirty === 'missing_facet') for (const f of rng.sample([0, 1, 2, 3, 4, 5], rng.range(1, 3))) missing.add(f);
  // Spread varies per entity so scores spread out instead of forming two spikes.
  const spread = 0.7 + rng.next() * 0.7;
  const facets: SqlValue[] = [];
  let validFacets = 0;
  for (let f = 0; f < FACET_COUNT; f++) {
    if (missing.has(f)) {
      facets.push(null);
      continue;
    }
    const v = sampleAround(rng, st.centroids[facetGroup(f, spec.cluster, spec.culture)][f], spread, st.scratch);
    const json = f === dirtyFacet ? dirtyPayload(st.writer, rng, spec.dirty as FacetDirtyKind, v) : validPayload(st.writer, rng, v, st.manifest.payloads);
    if (f !== dirtyFacet) validFacets++;
    facets.push(new RawSql(`'${json}'`));
  }
  if (dirtyFacet >= 0) recordDirty(st.manifest, spec.dirty!, { vectorRowId: id, entityId: spec.entityId, facet: FACETS[dirtyFacet] });
  else if (spec.dirty === 'missing_facet' || spec.dirty === 'all_facets_missing') {
    recordDirty(st.manifest, spec.dirty, { vectorRowId: id, entityId: spec.entityId, facet: [...missing].map((f) => FACETS[f]).join(',') });
  }
  st.manifest.rows.matching_vectors++;
  return { row: [id, spec.userId, spec.role, ...facets, spec.updatedAt, spec.jobPostingId], validFacets };
}
