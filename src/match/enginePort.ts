import type { EmbeddingBlock, ResultBatch } from './types.js';

/** What the match pipeline needs from the compute engine (src/match/MatchEngine.ts provides it). */
export interface EngineLike {
  processTalentBlock(talents: EmbeddingBlock, jobChunks: EmbeddingBlock[]): Promise<ResultBatch>;
  finishJobToTalent(): ResultBatch;
  close(): Promise<void>;
}

export interface EngineSettings {
  topK: number;
  weights: number[];
  dims: number[];
  threads: number;
  memoryBytes: number;
}

export interface BlockPlan {
  talentBlockRows: number;
  jobChunkRows: number;
}

export interface EngineFactory {
  create(s: EngineSettings, plan: BlockPlan): Promise<EngineLike>;
  plan(s: EngineSettings & { talents: number; jobs: number }): BlockPlan;
}
