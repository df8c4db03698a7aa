import type { Clock } from '../clock.js';
import type { HeldLock } from '../db/advisoryLock.js';
import type { Db } from '../db/connect.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { FACET_COUNT } from '../facets.js';
import type { Logger } from '../log.js';
import { hasSucceeded, transition } from '../store/runLifecycle.js';
import { assertPublishesForward } from './publishOrder.js';
import { rowsFromLists } from '../engine/listRows.js';
import { mergeLists } from '../engine/mergeLists.js';
import { writeLists } from '../store/listStore.js';
import { clearStagedJobSide, finishStaging, LIVE, publishStaging, readPublishedState, setSizes, staging, writePublishedState } from '../store/resultTables.js';
import type { Pool } from '../store/sql.js';
import type { ResultWriter } from '../store/resultWriter.js';
import { readParts, runBlocks, runById, updateRunCounts, type RunRow } from '../store/runStore.js';
import type { BlockStats } from './runShard.js';
import { shrinkRefusal } from '../shrinkGuard.js';
import type { RunSnapshot } from '../engine/snapshotCodec.js';
import { decodeLists } from '../engine/SubjectLists.js';
import { withPhaseBar } from '../progress.js';
import type { FullRunCounts, JobSideCounts, MergedFullRunCounts } from '../store/runCounts.js';

type SetSizes = Awaited<ReturnType<typeof setSizes>>;

export interface PublishInput {
  db: Db;
  log: Logger;
  signal: AbortSignal;
  clock: Clock;
  run: RunRow;
  snapshot: RunSnapshot;
  /** Held by the caller: publishing, rollback and incremental runs exclude each other. */
  matchLock: HeldLock;
  writer: () => ResultWriter;
  statementBytes: number;
  /** false: merge into staging only (`--no-publish`); `fitmatch publish` finishes it later. */
  publish: boolean;
  allowShrink: boolean;
  /** Publish a set with no match at all (refused by default, the first publish too). */
  allowEmpty?: boolean;
  /** Publish even over a set whose snapshot is newer (`publish --run-id N --force`). */
  force?: boolean;
  maxShrink: number;
  lockWaitSeconds: number;
  publishAttempts: number;
  /** The publishing process's own phase timings, recorded with the run's. */
  workTimings?: Record<string, number>;
}

export interface PublishResult {
  published: boolean;
  /** false when another process had published the run already. */
  publishedNow: boolean;
  counts: FullRunCounts;
  timings: { mergeMs: number; indexMs: number; publishMs: number };
}

const now = () => performance.now();

/**
 * The one publish of a run whose blocks are all done: merges every block's
 * job-list entries into the exact job lists (a total order, so the merge of
 * partial lists equals one process's lists), stages the job_to_talent rows,
 * builds indexes and foreign keys, refuses a set that shrank too much, and swaps
 * the set in with one RENAME. Safe to repeat after a crash at any point.
 */
export async function publishRun(p: PublishInput): Promise<PublishResult> {
  const t = { mergeMs: 0, indexMs: 0, publishMs: 0 };
  const run = (await runById(p.db.pool, p.run.id))!;
  if (hasSucceeded(run.status)) return { published: true, publishedNow: false, counts: run.counts ?? {}, timings: t };
  let counts: MergedFullRunCounts;
  if (run.counts?.merged) counts = run.counts;
  else {
    let s = now();
    const rowsJobToTalent = await withPhaseBar(p.log, `run ${run.id}: merging job lists`, () => mergeJobLists(p));
    t.mergeMs = now() - s;
    p.signal.throwIfAborted();
    s = now();
    const conn = await p.db.pool.getConnection();
    let unmerged: Omit<MergedFullRunCounts, 'merged' | keyof SetSizes>;
    try {
      const sums = await sumBlocks(p.db.pool, run);
      const dropped = await withPhaseBar(p.log, `run ${run.id}: building indexes`, () => finishStaging(conn, run.id, p.snapshot.talents.ids, p.snapshot.jobs.ids));
      unmerged = { ...sums, rowsJobToTalent, rowsDroppedForDeletedEntities: dropped };
    } finally {
      conn.release();
    }
    t.indexMs = now() - s;
    counts = { ...unmerged, ...(await setSizes(p.db.pool, staging(LIVE, run.id))), merged: true };
    await updateRunCounts(p.db.pool, run.id, counts);
  }
  if (!p.publish) return { published: false, publishedNow: false, counts, timings: t };

  p.signal.throwIfAborted();
  if ((await readPublishedState(p.db.pool))?.runId === run.id) {
    // The RENAME went through but the connection dropped before the run was recorded: a retry only records it.
    await transition(p.db.pool, p.clock, run.id, 'succeed', { counts, timings: roundAll({ ...p.workTimings, ...t }) });
    return { published: true, publishedNow: true, counts, timings: t };
  }
  await p.matchLock.assertHeld();
  await assertPublishesForward(p.matchLock.conn, run, { force: p.force, log: p.log });
  const published = await setSizes(p.db.pool, LIVE);
  const next = { talents: Number(counts.talentsWithMatch), jobs: Number(counts.jobsWithMatch) };
  const empty = next.talents === 0 && next.jobs === 0;
  if (empty) {
    if (!p.allowEmpty) throw emptyRefusal(run.id);
    p.log.warn(`publishing run ${run.id} although it has no match at all: match_results will be empty (--allow-empty)`);
  }
  const why = empty ? null : shrinkRefusal(published, next, p.maxShrink);
  if (why && !p.allowShrink) {
    throw new FitmatchError(
      `refusing to publish run ${run.id}: ${why}. match_results is unchanged. If this is intended, publish it with \`fitmatch publish --run-id ${run.id} --allow-shrink\``,
      ExitCode.REFUSED,
    );
  }
  if (why) p.log.warn(`publishing run ${run.id} although ${why} (--allow-shrink)`);
  const s = now();
  await p.matchLock.assertHeld();
  const conn = p.matchLock.conn;
  await writePublishedState(conn, staging('match_published', run.id), { runId: run.id, baseRunId: run.id, topK: run.params.topK, reserve: run.params.reserve, weights: run.params.weights });
  await withPhaseBar(p.log, `run ${run.id}: publishing`, () => publishStaging(conn, run.id, { lockWaitSeconds: p.lockWaitSeconds, attempts: p.publishAttempts, log: p.log, signal: p.signal, pool: p.db.pool }));
  t.publishMs = now() - s;
  await transition(p.db.pool, p.clock, run.id, 'succeed', { counts, timings: roundAll({ ...p.workTimings, ...t }) });
  return { published: true, publishedNow: true, counts, timings: t };
}

/** A publish that would leave match_results empty: usually embeddings are missing (no backfill yet). */
export const emptyRefusal = (runId: number, incremental = false): FitmatchError =>
  new FitmatchError(
    `refusing to publish run ${runId}: it found no match at all, so match_results would be empty (has \`fitmatch backfill\` stored embeddings?). ` +
      `match_results is unchanged. To publish an empty set: ${incremental ? '`fitmatch match --incremental --allow-empty`' : `\`fitmatch publish --run-id ${runId} --allow-empty\``}`,
    ExitCode.REFUSED,
  );

/** Job lists of the whole run from every block's entries; staged as rows and lists. Returns the rows written. */
async function mergeJobLists(p: PublishInput): Promise<number> {
  const { run, snapshot } = p;
  const parts = [...(await readParts(p.db.pool, run.id, 'j2t')).values()].map(decodeLists);
  const lists = mergeLists(snapshot.jobs.ids, parts, run.params.topK + run.params.reserve);
  lists.runIds.fill(run.id);
  lists.computedAt.fill(run.startedAt.getTime());
  const rows = rowsFromLists('job_to_talent', lists, run.params.topK);
  // A crashed merge may have staged some of them.
  await clearStagedJobSide(p.db.pool, run.id);
  const writer = p.writer();
  await writer.write(rows);
  await writeLists(p.db.pool, staging('match_lists', run.id), 'job_to_talent', lists, p.statementBytes);
  await writer.flush();
  return rows.length;
}

/** The run's counts from its blocks' stats and the job side as the shards read it. */
async function sumBlocks(pool: Pool, run: RunRow): Promise<Omit<MergedFullRunCounts, 'merged' | 'jobSide' | keyof SetSizes | 'rowsJobToTalent' | 'rowsDroppedForDeletedEntities'>> {
  const blocks = await runBlocks(pool, run.id);
  const zero = () => new Array<number>(FACET_COUNT).fill(0);
  const c = { talentsRead: 0, talentsWithoutUsableFacet: 0, changedDuringRun: 0, skippedWrongDim: zero(), skippedInvalid: zero(), skippedCorruptRows: 0, rowsTalentToJob: 0 };
  for (const b of blocks) {
    const s = b.stats as unknown as BlockStats;
    c.talentsRead += s.read;
    c.talentsWithoutUsableFacet += s.unusable;
    c.changedDuringRun += s.changed;
    c.skippedCorruptRows += s.corrupt;
    c.rowsTalentToJob += b.rowsWritten ?? 0;
    s.wrongDim.forEach((n, f) => (c.skippedWrongDim[f] += n));
    s.invalid.forEach((n, f) => (c.skippedInvalid[f] += n));
  }
  const jobSide: Partial<JobSideCounts> = run.counts?.jobSide ?? {};
  return {
    ...c,
    eligibleTalents: c.talentsRead - c.talentsWithoutUsableFacet,
    eligibleJobs: (jobSide.read ?? 0) - (jobSide.unusable ?? 0),
    jobsWithoutUsableFacet: jobSide.unusable ?? 0,
    changedDuringRun: c.changedDuringRun + (jobSide.changed ?? 0),
    blocks: blocks.length,
    shards: run.shards,
  };
}

const roundAll = (t: Record<string, number>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
