import { withPhaseBar } from '../progress.js';
import type { Clock } from '../clock.js';
import type { HeldLock } from '../db/advisoryLock.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../log.js';
import { recordedRun } from './recordedRun.js';
import { assertPublishesForward } from './publishOrder.js';
import { emptyRefusal } from './publishRun.js';
import { hasRows } from '../store/resultTables.js';
import { holdPoint } from '../holdPoint.js';
import { loadSnapshot } from './createRun.js';
import { planRun } from '../engine/defaultEngine.js';
import { emptySkips } from '../engine/embeddingBlock.js';
import type { EngineFactory, EngineLike, EngineSettings } from '../engine/enginePort.js';
import type { Eligibility } from '../engine/eligibility.js';
import { readLists } from '../store/listStore.js';
import type { IncrementalRunCounts } from '../store/runCounts.js';
import { mergeLists } from '../engine/mergeLists.js';
import { readRunStart } from '../store/readSnapshot.js';
import { readPublishedState, type PublishedState } from '../store/resultTables.js';
import type { WritePath } from '../store/resultWriter.js';
import { matchRunById, writeParts, type IncrementalRunParams } from '../store/runStore.js';
import { encodeSnapshot, type RunSnapshot } from '../engine/snapshotCodec.js';
import { emptyLists, encodeLists, type SubjectLists } from '../engine/SubjectLists.js';
import { applyChanges } from '../store/applyChanges.js';
import { changeShare, diffSide, type SideDiff } from '../engine/diffSnapshots.js';
import { repairLists } from '../engine/repairLists.js';
import { engineFor, readAll, scoreTalents, subset, type PassContext } from './scorePasses.js';
import { splitByRows } from './splitByRows.js';
import { closeVectorCaches, openVectorCaches } from '../vectors/vectorCaches.js';
import { runDurationMs } from '../store/runDuration.js';
import type { MemoryVectors } from '../vectors/MemoryVectors.js';

export interface IncrementalInput {
  db: Db;
  log: Logger;
  signal: AbortSignal;
  clock: Clock;
  matchLock: HeldLock;
  factory: EngineFactory;
  write: { path: WritePath; maxAllowedPacket: number };
  statementBytes: number;
  settings: { topK: number; reserve: number; weights: number[]; eligibility: Eligibility; memoryBytes: number; threads: number; maxChange: number; vectorCache?: string; kernel?: EngineSettings['kernel'] };
  /** A long-lived process's job vectors, kept between its runs (watch). */
  warmJobs?: MemoryVectors;
  /** Apply even when match_results would be left empty. */
  allowEmpty?: boolean;
}

export type IncrementalResult =
  | { fallback: string }
  /** Nothing changed since the published run: no run recorded, nothing published. */
  | { unchangedSince: number }
  | { runId: number; counts: IncrementalRunCounts; timings: Record<string, number> };

const now = () => performance.now();

/**
 * `match --incremental`: brings the published set up to date with what changed
 * since the run it came from, exactly as a full run would publish it now, by
 * deleting and inserting only the rows that change. Returns why it cannot (the
 * caller then runs a full run) when there is no exact base or the change is too large.
 */
export async function runIncremental(p: IncrementalInput): Promise<IncrementalResult> {
  const t0 = now();
  const { db, log, settings: s } = p;
  const state = await readPublishedState(db.pool);
  if (!state) return { fallback: 'nothing is published yet' };
  if (state.reserve < 0) return { fallback: 'the published set has no exact lists to repair (it predates them)' };
  const base = await matchRunById(db.pool, state.runId);
  if (!base) return { fallback: `the published run ${state.runId} is not in match_runs` };
  const differs = baseDiffers(base.params, state, s);
  if (differs) return { fallback: differs };
  let baseSnapshot: RunSnapshot;
  try {
    baseSnapshot = await loadSnapshot(db, state.runId);
  } catch {
    return { fallback: `the snapshot of the published run ${state.runId} is gone` };
  }
  const { snapshot: cur, dims } = await readRunStart(db.pool, s.eligibility);
  if (dims.join() !== base.params.dims.join()) return { fallback: `facet dimensions changed (${base.params.dims.join('/')} -> ${dims.join('/')})` };
  const dt = diffSide(baseSnapshot.talents, cur.talents);
  const dj = diffSide(baseSnapshot.jobs, cur.jobs);
  const share = Math.max(changeShare(dt), changeShare(dj));
  if (share > s.maxChange) return { fallback: `${(share * 100).toFixed(1)}% of one side changed, more than --max-change ${(s.maxChange * 100).toFixed(0)}%` };
  if (![dt, dj].some((d) => d.added.length || d.changed.length || d.removed.length)) return { unchangedSince: state.runId };

  const params: IncrementalRunParams = { topK: s.topK, reserve: s.reserve, weights: s.weights, dims, eligibility: s.eligibility, fullRunId: state.baseRunId };
  const recorder = { pool: db.pool, clock: p.clock, log, signal: p.signal };
  return recordedRun(recorder, { kind: 'incremental', params: { ...params }, baseRunId: state.runId, snapshotAt: cur.readAt }, async (runId) => {
    const r = await increment(p, runId, { t0, state, cur, dims, dt, dj });
    return { value: r, end: { transition: 'succeed', counts: r.counts, timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)])) } };
  });
}

/** The increment's work, recorded as run `runId`: the passes, the repaired lists, the undo data and the apply. */
async function increment(
  p: IncrementalInput,
  runId: number,
  x: { t0: number; state: PublishedState; cur: RunSnapshot; dims: number[]; dt: SideDiff; dj: SideDiff },
): Promise<{ runId: number; counts: IncrementalRunCounts; timings: Record<string, number> }> {
  const { db, log, settings: s } = p;
  const { t0, state, cur, dims, dt, dj } = x;
  const startedAt = p.clock.now().getTime();
  log.info(
    `incremental run ${runId} on top of run ${state.runId}: talents +${dt.added.length} ~${dt.changed.length} -${dt.removed.length}, ` +
      `postings +${dj.added.length} ~${dj.changed.length} -${dj.removed.length}`,
  );
  const timings: Record<string, number> & { readMs: number; computeMs: number; listsMs: number; writeMs: number; totalMs: number } = { readMs: 0, computeMs: 0, listsMs: 0, writeMs: 0, totalMs: 0 };
  const vectorsRead = { db: 0, cache: 0 };
  const plan = planRun({ memoryBytes: s.memoryBytes, dims, talents: cur.talents.ids.length, jobs: cur.jobs.ids.length, topK: s.topK, reserve: s.reserve });
  const c: PassContext = {
    pool: db.pool,
    factory: p.factory,
    settings: { topK: s.topK, reserve: s.reserve, weights: s.weights, dims, threads: s.threads, talentBlockRows: plan.talentBlockRows, jobChunkRows: plan.jobChunkRows, kernel: s.kernel },
    skips: emptySkips(),
    signal: p.signal,
    timings,
    vectorsRead,
  };
  const files = s.vectorCache ? await openVectorCaches(db, s.vectorCache, log) : undefined;
  c.caches = files || p.warmJobs ? { talent: files?.talent ?? null, job: p.warmJobs ? p.warmJobs.over(files?.job ?? null) : (files?.job ?? null) } : undefined;
  p.warmJobs?.retain(cur.jobs.ids);
  const cap = s.topK + s.reserve;
  const tPlus = [...dt.added, ...dt.changed].sort((a, b) => a - b);
  const jPlus = [...dj.added, ...dj.changed].sort((a, b) => a - b);
  const staleTalents = new Set([...dt.removed, ...dt.changed.map((i) => cur.talents.ids[i])]);
  const staleJobs = new Set([...dj.removed, ...dj.changed.map((i) => cur.jobs.ids[i])]);
  let ts = now();
  const readSide = (direction: 'talent_to_job' | 'job_to_talent', scope: ListScope) => readLists(db.pool, 'match_lists', direction, scope.all ? undefined : scope.subjects);
  const t2jScope = listScope(staleJobs, jPlus.length, cur.talents.ids, tPlus, dt.removed);
  const j2tScope = listScope(staleTalents, tPlus.length, cur.jobs.ids, jPlus, dj.removed);
  const oldT2j = await withPhaseBar(p.log, `incremental run ${runId}: reading the published lists`, () => readSide('talent_to_job', t2jScope));
  const oldJ2t = await readSide('job_to_talent', j2tScope);
  timings.listsMs += now() - ts;

  let engineA: EngineLike | null = null;
  const engines: EngineLike[] = [];
  try {
    const allJobsEngine = async () => {
      engineA ??= await engineFor(c, await readAll(c, 'job', cur.jobs), Math.max(tPlus.length, 1));
      engines.push(engineA);
      return engineA;
    };
    // Pass A: new and changed talents against every posting.
    const a = tPlus.length ? await scoreTalents(c, await allJobsEngine(), subset(cur.talents, tPlus), plan.talentBlockRows) : { t2j: none(), j2tParts: [] };
    const freshForJobs = mergeLists(cur.jobs.ids, a.j2tParts, cap);
    const jobRepair = repairLists({ old: oldJ2t, subjects: ids(cur.jobs.ids, dj.unchanged), stale: staleTalents, fresh: freshForJobs, capacity: cap, topK: s.topK });

    // Pass B: every unchanged talent against new and changed postings, and those whose list could not be repaired.
    const rj = new Set(jobRepair.invalid);
    const jobsB = [...jPlus, ...dj.unchanged.filter((i) => rj.has(cur.jobs.ids[i]))].sort((x, y) => x - y);
    let b: { t2j: SubjectLists; j2tParts: SubjectLists[] } = { t2j: none(), j2tParts: [] };
    if (jobsB.length) {
      const engineB = await engineFor(c, await readAll(c, 'job', subset(cur.jobs, jobsB)), dt.unchanged.length);
      engines.push(engineB);
      b = await withPhaseBar(p.log, `incremental run ${runId}: ${dt.unchanged.length} talents × ${jobsB.length} changed postings`, () => scoreTalents(c, engineB, subset(cur.talents, dt.unchanged), plan.talentBlockRows));
    }
    const jobsBIds = ids(cur.jobs.ids, jobsB);
    const rebuiltJobs = mergeLists(jobsBIds, [...b.j2tParts, freshForJobs], cap);
    const talentRepair = repairLists({ old: oldT2j, subjects: ids(cur.talents.ids, dt.unchanged), stale: staleJobs, fresh: b.t2j, ignoreFresh: rj, capacity: cap, topK: s.topK });

    // Pass C: talents whose list lost more than its reserve, against every posting.
    const rt = new Set(talentRepair.invalid);
    const tC = dt.unchanged.filter((i) => rt.has(cur.talents.ids[i]));
    const cPass = tC.length ? await scoreTalents(c, await allJobsEngine(), subset(cur.talents, tC), plan.talentBlockRows) : { t2j: none() };

    ts = now();
    const t2jNew = [a.t2j, talentRepair.repaired, cPass.t2j];
    const j2tNew = [rebuiltJobs, jobRepair.repaired];
    const touchedT = [...ids(cur.talents.ids, tPlus), ...tC.map((i) => cur.talents.ids[i])];
    const touchedJ = jobsBIds;
    const tSplit = now();
    const t2j = splitByRows('talent_to_job', t2jNew, oldT2j, [...dt.removed, ...touchedT], s.topK, runId, startedAt);
    const j2t = splitByRows('job_to_talent', j2tNew, oldJ2t, [...dj.removed, ...touchedJ], s.topK, runId, startedAt);
    timings.splitMs = now() - tSplit;
    const tUndo = now();
    await writeUndo(p, runId, state, { t2j: t2j.touchedOld, j2t: j2t.touchedOld }, { t2j: t2j.touchedIds, j2t: j2t.touchedIds }, cur);
    timings.undoMs = now() - tUndo;
    await holdPoint('before_apply', log, p.signal);
    await p.matchLock.assertHeld();
    await assertPublishesForward(p.matchLock.conn, (await matchRunById(p.matchLock.conn, runId))!, { log });
    // A stop requested by now leaves everything as it was; during the apply, its transaction rolls back.
    p.signal.throwIfAborted();
    const published = { runId, baseRunId: state.baseRunId, topK: state.topK, reserve: state.reserve, weights: state.weights };
    const { counts: applied, timings: applyTimings } = await withPhaseBar(p.log, `incremental run ${runId}: writing the changes`, () =>
      applyChanges(p.matchLock.conn, { t2j: t2j.change, j2t: j2t.change, published }, p.write, p.statementBytes, runId, {
        signal: p.signal,
        beforeCommit: async () => {
          await holdPoint('in_apply', log, p.signal);
          // Inside the transaction: an apply that would leave no match at all rolls back.
          if (!p.allowEmpty && !(await hasRows(p.matchLock.conn))) throw emptyRefusal(runId, true);
        },
      }),
    );
    Object.assign(timings, applyTimings);
    timings.writeMs = now() - ts;
    timings.totalMs = now() - t0;
    if (c.engine) Object.assign(timings, { engineGraphMs: c.engine.graphMs, engineRescoreMs: c.engine.rescoreMs });
    const counts: IncrementalRunCounts = {
      incremental: true,
      talentsAdded: dt.added.length, talentsChanged: dt.changed.length, talentsRemoved: dt.removed.length,
      jobsAdded: dj.added.length, jobsChanged: dj.changed.length, jobsRemoved: dj.removed.length,
      talentListsRepaired: talentRepair.repaired.subjectIds.length, talentListsRecomputed: tC.length + tPlus.length, talentListsUnaffected: talentRepair.unchanged,
      jobListsRepaired: jobRepair.repaired.subjectIds.length, jobListsRecomputed: jobsB.length, jobListsUnaffected: jobRepair.unchanged,
      listsRecomputedForLostReserve: rt.size + rj.size,
      listsTouched: applied.listsWritten + applied.listsDeleted,
      listsRead: oldT2j.subjectIds.length + oldJ2t.subjectIds.length,
      ...applied,
      rowsWritten: applied.rowsInserted,
      vectorsFromDb: vectorsRead.db,
      vectorsFromCache: vectorsRead.cache,
      eligibleTalents: cur.talents.ids.length, eligibleJobs: cur.jobs.ids.length,
      lastFullRun: await lastFullRunCost(db, state.baseRunId),
      ...(c.engine ? { kernel: c.engine.kernel, pairsRescored: c.engine.rescored, exactFallbacks: c.engine.fallbacks } : {}),
    };
    return { runId, counts, timings };
  } finally {
    for (const e of new Set(engines)) await e.close();
    await closeVectorCaches(files, log);
  }
}

const none = (): SubjectLists => emptyLists();

interface ListScope {
  all: boolean;
  subjects: number[];
}

/**
 * Which stored lists of one direction an increment must read. A list of a
 * subject whose own vectors did not change changes only when it holds a stale
 * candidate (changed or gone) or a changed or new candidate can enter it; with
 * neither on the other side, only the lists of this side's changed and removed
 * subjects are needed (what their rows were). Otherwise all of them: which lists
 * hold a given candidate in their reserve is known only from the lists.
 */
export function listScope(staleCandidates: Set<number>, newCandidates: number, subjectIds: Float64Array, changedIdx: number[], removed: number[]): ListScope {
  if (staleCandidates.size || newCandidates) return { all: true, subjects: [] };
  return { all: false, subjects: [...changedIdx.map((i) => subjectIds[i]), ...removed].sort((a, b) => a - b) };
}

/** The full run the published set descends from: its id and total time, to set an increment's cost beside. */
async function lastFullRunCost(db: Db, baseRunId: number): Promise<{ runId: number; totalMs: number | null }> {
  return { runId: baseRunId, totalMs: await runDurationMs(db.pool, baseRunId) };
}
const ids = (all: Float64Array, indexes: readonly number[]): Float64Array => Float64Array.from(indexes, (i) => all[i]);

/** Incremental runs repair the published lists: only with the settings they were computed with. */
function baseDiffers(base: { eligibility: Eligibility }, state: PublishedState, s: IncrementalInput['settings']): string | null {
  if (state.topK !== s.topK) return `--top-k ${s.topK} differs from the published run's ${state.topK}`;
  if (state.reserve !== s.reserve) return `--reserve ${s.reserve} differs from the published run's ${state.reserve}`;
  if (state.weights.join() !== s.weights.join()) return `--weights ${s.weights.join(',')} differ from the published run's ${state.weights.join(',')}`;
  const e = base.eligibility;
  if (e.jobStatuses.join() !== s.eligibility.jobStatuses.join() || e.includeExpired !== s.eligibility.includeExpired || e.includeDeleted !== s.eligibility.includeDeleted) {
    return 'the eligibility flags (--job-statuses, --include-expired, --include-deleted) differ from the published run';
  }
  return null;
}

/**
 * What rollback needs to restore the set as it was: the old lists of every
 * subject this run touches (a subject with none had no list), the old
 * match_published row; and the snapshot the next incremental run diffs against.
 */
async function writeUndo(p: IncrementalInput, runId: number, state: PublishedState, old: Record<'t2j' | 'j2t', SubjectLists>, touched: Record<'t2j' | 'j2t', number[]>, cur: RunSnapshot): Promise<void> {
  const b = p.statementBytes;
  await writeParts(p.db.pool, runId, 'snapshot', 0, encodeSnapshot(cur), b);
  await writeParts(p.db.pool, runId, 'undo_t2j', 0, encodeLists(old.t2j), b);
  await writeParts(p.db.pool, runId, 'undo_j2t', 0, encodeLists(old.j2t), b);
  await writeParts(p.db.pool, runId, 'undo_state', 0, Buffer.from(JSON.stringify({ published: state, touched })), b);
}
