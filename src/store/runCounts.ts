
// What match_runs.counts holds, per run kind (the params are typed the same way in runStore.ts).

/** What applying cost, for the run's report. */
export interface ApplyCounts {
  rowsDeleted: number;
  rowsInserted: number;
  listsWritten: number;
  listsDeleted: number;
}

/** A backfill's writes per entity. */
export interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Unchanged content whose source row id / updated_at was refreshed (a metadata-only write). */
  touched: number;
}

export interface ReasonCount {
  count: number;
  /** A few ids (row ids, or entity:facet for facet skips). */
  examples: string[];
}

/** What the shards found reading the jobs: recorded once, by the first shard. */
export interface JobSideCounts {
  read: number;
  unusable: number;
  changed: number;
}

/** A full run's counts once its publish has merged the blocks (`merged: true`). */
export interface MergedFullRunCounts {
  merged: true;
  jobSide?: JobSideCounts;
  talentsRead: number;
  talentsWithoutUsableFacet: number;
  jobsWithoutUsableFacet: number;
  changedDuringRun: number;
  /** Per facet (FACETS order). */
  skippedWrongDim: number[];
  skippedInvalid: number[];
  skippedCorruptRows: number;
  eligibleTalents: number;
  eligibleJobs: number;
  blocks: number;
  shards: number;
  rowsTalentToJob: number;
  rowsJobToTalent: number;
  rowsDroppedForDeletedEntities: number;
  /** The staged set's size: subjects in it, and those with at least one match. */
  talents: number;
  jobs: number;
  talentsWithMatch: number;
  jobsWithMatch: number;
}

/** A full run's counts: only the job side while its shards work, all of them once merged. */
export type FullRunCounts = { merged?: undefined; jobSide?: JobSideCounts } | MergedFullRunCounts;

/** An incremental run's counts: what changed, how the lists were brought up to date, what was written. */
export interface IncrementalRunCounts extends ApplyCounts {
  incremental: true;
  talentsAdded: number;
  talentsChanged: number;
  talentsRemoved: number;
  jobsAdded: number;
  jobsChanged: number;
  jobsRemoved: number;
  talentListsRepaired: number;
  talentListsRecomputed: number;
  talentListsUnaffected: number;
  jobListsRepaired: number;
  jobListsRecomputed: number;
  jobListsUnaffected: number;
  listsRecomputedForLostReserve: number;
  listsTouched: number;
  /** Stored lists read to repair (only the changed subjects' own, unless the other side changed). */
  listsRead: number;
  rowsWritten: number;
  vectorsFromDb: number;
  vectorsFromCache: number;
  eligibleTalents: number;
  eligibleJobs: number;
  lastFullRun: { runId: number; totalMs: number | null };
  kernel?: string;
  pairsRescored?: number;
  exactFallbacks?: number;
}

/** A backfill's counts: per entity, and (once it finished) its skips, writes and the facet dimensions it decided. */
export interface BackfillRunCounts {
  talents: Counts;
  jobs: Counts;
  rowSkips?: Record<string, ReasonCount>;
  facetSkips?: Record<string, ReasonCount>;
  writes?: number;
  /** matching_vectors source: the facet dimensions decided (or --dim). */
  dimList?: (number | null)[];
  dimOverride?: number | null;
}

export type RunCounts = FullRunCounts | IncrementalRunCounts | BackfillRunCounts;
