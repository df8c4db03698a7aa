import type { Pool } from 'mysql2/promise';
import { InterruptedError } from '../errors.js';
import type { Logger } from '../log.js';
import { allocBlock, emptySkips, trimBlock } from './embeddingBlock.js';
import { detectFacetDims, EmbeddingReader, readIds } from './embeddingReader.js';
import { jobIdsQuery, talentIdsQuery, type Eligibility } from './eligibility.js';
import type { EngineFactory, EngineLike, EngineSettings } from './enginePort.js';
import { createNextTable, finishNextTable, publishNext } from './resultTables.js';
import { ResultWriter, type WritePath } from './resultWriter.js';
import type { EmbeddingBlock, ResultBatch } from './types.js';

export interface PipelineInput {
  pool: Pool;
  log: Logger;
  signal: AbortSignal;
  runId: number;
  computedAt: string;
  eligibility: Eligibility;
  engine: Omit<EngineSettings, 'dims'>;
  factory: EngineFactory;
  write: { path: WritePath; maxAllowedPacket: number };
  publish: boolean;
  lockWaitSeconds: number;
  publishAttempts: number;
  /** Test hook: sleep this long (abortable) after staging, before publishing. */
  pauseBeforePublishMs: number;
}

export interface PipelineResult {
  dims: number[];
  plan: { talentBlockRows: number; jobChunkRows: number; talentBlocks: number; jobChunks: number };
  counts: Record<string, number | number[]>;
  /** writeMs is the writer's busy time (it overlaps compute); writeWaitMs the wait for the last writes. */
  timings: { readMs: number; computeMs: number; writeMs: number; writeWaitMs: number; indexMs: number; publishMs: number };
  published: boolean;
}

const now = () => performance.now();

export async function runMatchPipeline(p: PipelineInput): Promise<PipelineResult> {
  const checkSignal = () => {
    if (p.signal.aborted) throw new InterruptedError('match', 'nothing was published; match_results is unchanged');
  };
  const t = { readMs: 0, computeMs: 0, writeMs: 0, writeWaitMs: 0, indexMs: 0, publishMs: 0 };
  const skips = emptySkips();
  const conn = await p.pool.getConnection();
  let engine: EngineLike | null = null;
  try {
    const t0 = now();
    // Both id lists from one snapshot, so eligibility cannot shift between them.
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const talentIds = await readIds(conn, talentIdsQuery(p.eligibility));
    const jobIds = await readIds(conn, jobIdsQuery(p.eligibility));
    await conn.query('COMMIT');
    const dims = await detectFacetDims(conn);
    const settings: EngineSettings = { ...p.engine, dims };
    const plan = p.factory.plan({ ...settings, talents: Math.max(1, talentIds.length), jobs: Math.max(1, jobIds.length) });
    const jobReader = new EmbeddingReader(p.pool, 'job', jobIds, dims, skips, p.signal);
    const jobChunks = await jobReader.readAll(plan.jobChunkRows);
    const jobs = jobChunks.reduce((s, b) => s + b.rows, 0);
    t.readMs += now() - t0;
    p.log.info(`read ${jobs} eligible job postings in ${jobChunks.length} chunk(s); ${talentIds.length} talents to stream in blocks of ${plan.talentBlockRows}`);
    checkSignal();

    await createNextTable(p.pool);
    const writer = new ResultWriter(p.pool, 'match_results_next', p.write.path, p.write.maxAllowedPacket, p.runId, p.computedAt);
    const talentReader = new EmbeddingReader(p.pool, 'talent', talentIds, dims, skips);
    // Two talent blocks: the next one is read while the engine works on the current one.
    const buffers = [allocBlock(plan.talentBlockRows, dims), allocBlock(plan.talentBlockRows, dims)];
    const timedFill = async (b: EmbeddingBlock) => {
      const s = now();
      await talentReader.fill(b);
      t.readMs += now() - s;
      return b;
    };
    let talents = 0;
    let talentBlocks = 0;
    let talentsMatched = 0;
    let jobsMatched = 0;
    if (jobs > 0) engine = await p.factory.create(settings, plan);
    let current = await timedFill(buffers[0]);
    while (current.rows > 0) {
      talents += current.rows;
      talentBlocks++;
      const next = talentReader.exhausted ? null : timedFill(buffers[talentBlocks % 2]);
      // Awaited below; until then a read error must not count as an unhandled rejection.
      next?.catch(() => undefined);
      if (engine) {
        const s = now();
        const batch = await engine.processTalentBlock(trimBlock(current), jobChunks);
        t.computeMs += now() - s;
        talentsMatched += subjectsWithMatch(batch);
        await writer.write(batch);
      }
      current = next ? await next : { ...current, rows: 0 };
      p.log.event('match_progress', { talentBlocks, talents, of: talentIds.length }, `talent block ${talentBlocks}: ${talents}/${talentIds.length} talents`);
      checkSignal();
    }
    if (engine && talents > 0) {
      const s = now();
      const j2t = engine.finishJobToTalent();
      t.computeMs += now() - s;
      jobsMatched = subjectsWithMatch(j2t);
      await writer.write(j2t);
    }
    const w0 = now();
    await writer.flush();
    t.writeWaitMs = now() - w0;
    t.writeMs = writer.writeMs;
    checkSignal();
    const i0 = now();
    const vanishedRows = await finishNextTable(conn, p.pool, p.runId, talentIds, jobIds);
    t.indexMs = now() - i0;
    checkSignal();

    const counts = {
      eligibleTalents: talents,
      eligibleJobs: jobs,
      talentsWithoutUsableFacet: talentReader.stats.unusable,
      jobsWithoutUsableFacet: jobReader.stats.unusable,
      skippedWrongDim: skips.wrongDim,
      skippedInvalid: skips.invalid,
      skippedCorruptRows: skips.corrupt,
      rowsTalentToJob: writer.written.talent_to_job,
      rowsJobToTalent: writer.written.job_to_talent,
      rowsDroppedForDeletedEntities: vanishedRows,
      talentsWithoutMatch: talents - talentsMatched,
      jobsWithoutMatch: talents > 0 ? jobs - jobsMatched : jobs,
    };
    const planOut = { ...plan, talentBlocks, jobChunks: jobChunks.length };
    if (!p.publish) return { dims, plan: planOut, counts, timings: t, published: false };

    p.log.event('match_publishing', { runId: p.runId, rows: counts.rowsTalentToJob + counts.rowsJobToTalent }, `staged ${counts.rowsTalentToJob + counts.rowsJobToTalent} rows; publishing`);
    if (p.pauseBeforePublishMs > 0) await abortableSleep(p.pauseBeforePublishMs, p.signal);
    checkSignal();
    const s = now();
    await publishNext(
      conn,
      { lockWaitSeconds: p.lockWaitSeconds, attempts: p.publishAttempts, log: p.log },
      { runId: p.runId, baseRunId: p.runId, topK: p.engine.topK, reserve: -1, weights: p.engine.weights },
    );
    t.publishMs = now() - s;
    return { dims, plan: planOut, counts, timings: t, published: true };
  } finally {
    await engine?.close();
    conn.release();
  }
}

/** Subjects with at least one result: each has exactly one rank-1 row. */
function subjectsWithMatch(b: ResultBatch): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b.ranks[i] === 1) n++;
  return n;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
