import { mergeLists } from '../../src/engine/mergeLists.js';
import type { EngineLike, EngineStats } from '../../src/engine/enginePort.js';
import { rowsFromLists } from '../../src/engine/listRows.js';
import { concatLists, type SubjectLists } from '../../src/engine/SubjectLists.js';
import type { EmbeddingBlock, ResultBatch } from '../../src/engine/types.js';

/**
 * Runs talent blocks through an engine the way a run does: talents' lists per
 * block, and the job lists merged from every block's new entries (as publish
 * merges them), both turned into published rows.
 */
export async function engineResults(
  engine: EngineLike,
  talentBlocks: EmbeddingBlock[],
  jobs: EmbeddingBlock,
  topK: number,
  reserve: number,
): Promise<{ t2j: ResultBatch; j2t: ResultBatch; t2jLists: SubjectLists; j2tLists: SubjectLists; stats?: EngineStats }> {
  await engine.setJobs(jobs);
  const t2j: SubjectLists[] = [];
  const diffs: SubjectLists[] = [];
  let stats: EngineStats | undefined;
  for (const b of talentBlocks) {
    const out = await engine.processBlock(b);
    stats = out.stats;
    t2j.push(out.t2j);
    diffs.push(out.j2tDiff);
  }
  const t2jLists = concatLists(t2j);
  const j2tLists = mergeLists(jobs.ids.slice(0, jobs.rows), diffs, topK + reserve);
  return { t2j: rowsFromLists('talent_to_job', t2jLists, topK), j2t: rowsFromLists('job_to_talent', j2tLists, topK), t2jLists, j2tLists, stats };
}
