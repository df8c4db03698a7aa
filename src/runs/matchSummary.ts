import type { EngineStats } from '../engine/enginePort.js';
import type { FullRunCounts, IncrementalRunCounts, MergedFullRunCounts } from '../store/runCounts.js';
import type { ShardSpec } from './shardSpec.js';

export interface MatchSummary {
  runId: number;
  runKey: string | null;
  shard: ShardSpec;
  published: boolean;
  dims: number[];
  plan: { blockRows: number; talentBlockRows: number; jobChunkRows: number; blocksDone: number; blocksAlreadyDone: number };
  params: Record<string, unknown>;
  /** The run's counts; `{ unchanged: true }` when an incremental run found nothing to do. */
  counts: FullRunCounts | IncrementalRunCounts | { unchanged: true };
  /** ms; compute/read/persist are this process's, merge/index/publish the publish step's. */
  timings: Record<string, number>;
  /** The process's peak resident set so far (ru_maxrss). */
  peakRssMb: number;
  /** CPU time this process spent so far, every thread (engine, onnxruntime, I/O): with 2 cores, what the run left to the database. */
  cpuMs?: number;
  /** This process's candidate pass: which kernel and why, candidates, fallbacks, re-score cost. */
  engine?: EngineStats;
}

/** Multiply-adds of the score GEMM (numerator; the mask GEMM is negligible), as GFLOP per second of compute. */
export function gflops(talents: number, jobs: number, dims: number[], computeMs: number): number {
  const d = dims.reduce((a, b) => a + b, 0);
  return computeMs > 0 ? (2 * talents * jobs * d) / (computeMs * 1e6) : 0;
}

const sec = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)}s`;
const sum = (v: unknown) => (Array.isArray(v) ? v.reduce((a: number, b: number) => a + b, 0) : Number(v ?? 0));

/**
 * The log's one line for a finished run (the `match_summary` event), which a
 * terminal shows next to the report on stdout: complete on its own, and not a
 * copy of the report's first line.
 */
export function matchSummaryLine(s: MatchSummary): string {
  const name = `${s.params.incremental === true ? 'incremental ' : ''}match run ${s.runId}${s.runKey ? ` ("${s.runKey}")` : ''}`;
  if ('unchanged' in s.counts && s.counts.unchanged === true) return formatIncrementalSummary(s);
  const verdict = s.published ? 'published' : 'computed and staged (not published)';
  if (s.params.incremental === true) {
    const c = s.counts as IncrementalRunCounts;
    return `${name}: ${verdict}; ${c.rowsDeleted} rows deleted, ${c.rowsInserted} inserted, in ${sec(s.timings.totalMs)}`;
  }
  const c = s.counts as MergedFullRunCounts;
  return `${name}: ${verdict}; ${c.eligibleTalents} talents × ${c.eligibleJobs} postings, ${c.rowsTalentToJob} + ${c.rowsJobToTalent} rows, in ${sec(s.timings.totalMs)}`;
}

export function formatMatchSummary(s: MatchSummary): string {
  const c = s.counts as MergedFullRunCounts;
  const t = s.timings;
  const talentsWithout = c.eligibleTalents - c.talentsWithMatch;
  const jobsWithout = c.eligibleJobs - c.jobsWithMatch;
  return [
    `match run ${s.runId}${s.runKey ? ` ("${s.runKey}")` : ''} ${s.published ? 'published' : 'computed (not published)'}:`,
    `  eligible: ${c.eligibleTalents} talents × ${c.eligibleJobs} job postings (dims ${s.dims.join('/')}); blocks ${c.blocks} of up to ${s.plan.blockRows} talents${c.shards > 1 ? ` over ${c.shards} shards` : ''}`,
    `  rows: ${c.rowsTalentToJob} talent_to_job + ${c.rowsJobToTalent} job_to_talent; no match: ${talentsWithout} talents, ${jobsWithout} jobs`,
    `  skipped blobs: ${sum(c.skippedWrongDim) + sum(c.skippedInvalid)} (wrong dimension ${sum(c.skippedWrongDim)}, zero/NaN ${sum(c.skippedInvalid)}, unreadable rows ${c.skippedCorruptRows ?? 0}); entities with no usable facet: ${c.talentsWithoutUsableFacet} talents, ${c.jobsWithoutUsableFacet} jobs${c.changedDuringRun ? `; ${c.changedDuringRun} embeddings changed during the run (the next incremental run recomputes them)` : ''}`,
    ...(s.engine ? [formatEngineLine(s.engine)] : []),
    `  time (this process): read jobs ${sec(t.jobsReadMs)}, read talents ${sec(t.readMs)}, compute ${sec(t.computeMs)} (${gflops(c.eligibleTalents, c.eligibleJobs, s.dims, t.computeMs).toFixed(0)} GFLOP/s), write ${sec(t.persistMs)}, merge ${sec(t.mergeMs)}, indexes ${sec(t.indexMs)}, publish ${sec(t.publishMs)}, total ${sec(t.totalMs)}${s.cpuMs === undefined ? '' : ` (CPU ${sec(s.cpuMs)}, all threads)`}; peak RSS ${s.peakRssMb} MB`,
  ].join('\n');
}

/** Which kernel ran and why, and what the exact re-score cost. */
export function formatEngineLine(e: EngineStats): string {
  const per = e.subjects ? (e.rescored / e.subjects).toFixed(1) : '0';
  return `  kernel: ${e.kernel} (${e.kernelWhy}); ${e.rescored} pairs re-scored exactly (${per} per subject, ${e.reused} reused for the other direction), ${e.fallbacks} subjects scored exactly against a whole slice${e.kernel === 'int8' || e.redoneFp32 ? `, ${e.redoneFp32} int8 runs redone with fp32 (too many candidates)` : ''}; candidate graph ${sec(e.graphMs)}, bounds + re-score ${sec(e.rescoreMs)}`;
}

export function formatIncrementalSummary(s: MatchSummary): string {
  if ('unchanged' in s.counts && s.counts.unchanged === true) return `incremental run: nothing changed since the published run ${s.runId}; no run recorded, nothing published`;
  const c = s.counts as IncrementalRunCounts;
  const t = s.timings;
  const full = c.lastFullRun as IncrementalRunCounts['lastFullRun'] | undefined;
  const vsFull = full?.totalMs ? `; the last full run (${full.runId}) took ${sec(full.totalMs)}: this one ${(t.totalMs / full.totalMs).toFixed(2)}× that` : '';
  return [
    `incremental run ${s.runId} published:`,
    `  changed: talents +${c.talentsAdded} ~${c.talentsChanged} -${c.talentsRemoved}, postings +${c.jobsAdded} ~${c.jobsChanged} -${c.jobsRemoved}`,
    `  lists: ${c.listsTouched} touched; ${c.talentListsRepaired + c.jobListsRepaired} repaired from their reserve, ${c.talentListsRecomputed + c.jobListsRecomputed} recomputed (${c.listsRecomputedForLostReserve} because they lost more than their reserve)`,
    `  rows: ${c.rowsDeleted} deleted, ${c.rowsInserted} inserted (no other row rewritten)`,
    `  vectors read: ${c.vectorsFromDb} from the database, ${c.vectorsFromCache} from the local cache`,
    `  time: read ${sec(t.readMs)}, compute ${sec(t.computeMs)}, lists ${sec(t.listsMs)}, write ${sec(t.writeMs)}, total ${sec(t.totalMs)}${vsFull}`,
  ].join('\n');
}
