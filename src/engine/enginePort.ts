import type { KernelKind } from '../kernel/buildMatchGraph.js';
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
  /**
   * The candidate pass's multiply (default fp32); 'auto' measures both on this
   * machine. Results do not depend on it: every kept candidate is re-scored exactly.
   */
  kernel?: KernelKind | 'auto';
  /** Why `kernel` (when the caller resolved `auto` already: the summary repeats it). */
  kernelWhy?: string;
  /** Share of a run's pairs the int8 bound may leave to exact fallbacks before the run is redone with fp32 (default 0.5%; tests use Infinity). */
  int8Budget?: number;
}

/** What the engine did for one block (summed over blocks by the caller). */
export interface EngineStats {
  kernel: KernelKind;
  /** Why this kernel: set by the flag, or what `auto` measured. */
  kernelWhy: string;
  /** Subjects (talents + job columns of every slice) the candidate pass looked at. */
  subjects: number;
  /** Pairs re-scored exactly, and pairs whose exact score was reused for the other direction. */
  rescored: number;
  reused: number;
  /** Subjects whose candidates could not be proven complete: scored exactly against the whole slice or block. */
  fallbacks: number;
  /** int8 graph runs redone with the fp32 graph: the int8 bound left too many candidates (budget). */
  redoneFp32: number;
  /** Time in the candidate graph, and in bounds + exact re-scoring. */
  graphMs: number;
  rescoreMs: number;
}

/** Sums the stats of several blocks (kernel and why from the last). */
export function addEngineStats(a: EngineStats | undefined, b: EngineStats | undefined): EngineStats | undefined {
  if (!a || !b) return a ?? b;
  return { ...b, subjects: a.subjects + b.subjects, rescored: a.rescored + b.rescored, reused: a.reused + b.reused, fallbacks: a.fallbacks + b.fallbacks, redoneFp32: a.redoneFp32 + b.redoneFp32, graphMs: a.graphMs + b.graphMs, rescoreMs: a.rescoreMs + b.rescoreMs };
}

/** What one talent block yields: the talents' lists, and the entries it added to job lists. */
export interface BlockOutput {
  t2j: SubjectLists;
  j2tDiff: SubjectLists;
  stats?: EngineStats;
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
