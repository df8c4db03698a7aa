import type { Clock } from '../clock.js';
import type { Db } from '../db/connect.js';
import { insertRun, transition } from '../store/runLifecycle.js';
import { planRunBlocks } from '../engine/blockPlan.js';
import { planRun } from '../engine/defaultEngine.js';
import type { Eligibility } from '../engine/eligibility.js';
import { readRunStart } from '../store/readSnapshot.js';
import { createStaging } from '../store/resultTables.js';
import { insertBlocks, readParts, runById, writeParts, type FullRunParams, type RunRow } from '../store/runStore.js';
import { decodeSnapshot, encodeSnapshot, type RunSnapshot } from '../engine/snapshotCodec.js';
import { messageOf } from '../errors.js';

export interface RunSettings {
  topK: number;
  reserve: number;
  weights: number[];
  memoryBytes: number;
  eligibility: Eligibility;
  /** Talents per block; default: what --memory allows per kernel call (shards may lower it). */
  blockRows?: number;
  writeMode: string;
}

/**
 * Fixes a run: its eligible sets and their versions (the snapshot), dims, block
 * sizes and the blocks dealt to `shards`, and creates its staging tables. Every
 * process of the run works from exactly this. Written as preparing until
 * complete, so a creator that dies half-way leaves a run the next one redoes.
 */
export async function createRun(db: Db, clock: Clock, s: RunSettings, o: { runKey: string | null; shards: number; statementBytes: number }): Promise<RunRow> {
  const id = await insertRun(db.pool, clock, { kind: 'full', params: { eligibility: s.eligibility }, runKey: o.runKey, shards: o.shards });
  try {
    return await prepareRun(db, clock, id, s, o);
  } catch (e) {
    // E.g. --memory too small for this data (exit 2): the run never started, and says why.
    await transition(db.pool, clock, id, 'fail', { error: messageOf(e) }).catch(() => undefined);
    throw e;
  }
}

async function prepareRun(db: Db, clock: Clock, id: number, s: RunSettings, o: { shards: number; statementBytes: number }): Promise<RunRow> {
  const { snapshot, dims } = await readRunStart(db.pool, s.eligibility);
  const plan = planRun({ memoryBytes: s.memoryBytes, dims, talents: snapshot.talents.ids.length, jobs: snapshot.jobs.ids.length, topK: s.topK, reserve: s.reserve });
  const blockRows = s.blockRows ?? plan.talentBlockRows;
  const params: FullRunParams = {
    topK: s.topK,
    reserve: s.reserve,
    weights: s.weights,
    dims,
    eligibility: s.eligibility,
    blockRows,
    talentBlockRows: Math.min(blockRows, plan.talentBlockRows),
    jobChunkRows: plan.jobChunkRows,
    memoryBytes: s.memoryBytes,
    writeMode: s.writeMode,
    talents: snapshot.talents.ids.length,
    jobs: snapshot.jobs.ids.length,
  };
  await writeParts(db.pool, id, 'snapshot', 0, encodeSnapshot(snapshot), o.statementBytes);
  await insertBlocks(db.pool, id, planRunBlocks(snapshot.talents.ids.length, blockRows, o.shards));
  await createStaging(db.pool, id);
  await transition(db.pool, clock, id, 'prepare', { params: { ...params }, snapshotAt: snapshot.readAt });
  return (await runById(db.pool, id))!;
}

export async function loadSnapshot(db: Db, runId: number): Promise<RunSnapshot> {
  const data = (await readParts(db.pool, runId, 'snapshot')).get(0);
  if (!data) throw new Error(`run ${runId} has no snapshot (its bookkeeping was cleaned up)`);
  return decodeSnapshot(data);
}
