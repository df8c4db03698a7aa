import type { SubjectLists } from './SubjectLists.js';
import type { EmbeddingBlock } from './types.js';

/** What a run fixes for its engine; every process of a run uses the same values. */
export interface EngineSettings {
  topK: number;
  /** Entries kept beyond topK in every list (the tie rule's slack and the incremental reserve). */
  reserve: number;
  weights: number[];
  dims: number[];
  threads: number;
  /** Talents per kernel call (memory), and jobs per kernel slice. */
  talentBlockRows: number;
  jobChunkRows: number;
}

/** What one talent block yields: the talents' lists, and the entries it added to job lists. */
export interface BlockOutput {
  t2j: SubjectLists;
  j2tDiff: SubjectLists;
}

/** What the pipeline needs from the compute engine (MatchEngine, in a worker thread by default). */
export interface EngineLike {
  setJobs(jobs: EmbeddingBlock): Promise<void> | void;
  /** Job lists as a resumed shard left them (its finished blocks' diffs). */
  seedJobLists(lists: SubjectLists): Promise<void> | void;
  processBlock(talents: EmbeddingBlock): Promise<BlockOutput>;
  close(): Promise<void>;
}

export interface EngineFactory {
  create(s: EngineSettings): Promise<EngineLike>;
}
