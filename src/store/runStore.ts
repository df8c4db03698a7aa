import { hostname } from 'node:os';
import { parseJson } from './parseJson.js';
import { exec, execPrepared, inTransaction, row, rows, type PoolConnection, type Queryable as Q } from './sql.js';
import type { FullRunCounts, IncrementalRunCounts, JobSideCounts } from './runCounts.js';
import { ACTIVE, MATCH_KINDS, RESUMABLE, type RunStatus } from './runLifecycle.js';
import type { BlockSpec } from '../engine/blockPlan.js';
import type { Eligibility } from '../engine/eligibility.js';

interface MatchSettings {
  topK: number;
  reserve: number;
  weights: number[];
  dims: number[];
  eligibility: Eligibility;
}

/** What a full run fixed at its start: every process of the run works with exactly these. */
export interface FullRunParams extends MatchSettings {
  /** Talents per block (the durable unit of work), per kernel call, and jobs per kernel slice. */
  blockRows: number;
  talentBlockRows: number;
  jobChunkRows: number;
  memoryBytes: number;
  writeMode: string;
  talents: number;
  jobs: number;
}

/** An incremental run's settings (those of the set it changes) and the full run its lists descend from. */
export interface IncrementalRunParams extends MatchSettings {
  fullRunId: number;
}
/** @deprecated name kept for the callers that only handle full runs. */
export type RunParams = FullRunParams;

interface RunRowBase {
  id: number;
  runKey: string | null;
  shards: number;
  status: RunStatus;
  startedAt: Date;
  /** When the run read its snapshot (the database server's clock); null for runs from before migration 0003 without one. */
  snapshotAt: Date | null;
  /** Incremental runs: the run whose published state they changed. */
  baseRunId: number | null;
}
export interface FullRun extends RunRowBase {
  kind: 'full';
  params: FullRunParams;
  counts: FullRunCounts | null;
}
export interface IncrementalRun extends RunRowBase {
  kind: 'incremental';
  params: IncrementalRunParams;
  counts: IncrementalRunCounts | null;
}
export type MatchRun = FullRun | IncrementalRun;
export type RunRow = FullRun;

const RUN_COLUMNS = 'id, kind, run_key, shards, status, params, counts, started_at, snapshot_at, base_run_id';
interface RunRecord {
  id: number;
  kind: MatchRun['kind'];
  run_key: Buffer | string | null;
  shards: number | null;
  status: RunStatus;
  params: unknown;
  counts: unknown;
  started_at: Date;
  snapshot_at: Date | null;
  base_run_id: number | null;
}
function toRun(r: RunRecord): MatchRun {
  const base = {
    id: Number(r.id),
    runKey: r.run_key === null || r.run_key === undefined ? null : String(r.run_key),
    shards: Number(r.shards ?? 1),
    status: r.status,
    startedAt: r.started_at,
    snapshotAt: r.snapshot_at ?? null,
    baseRunId: r.base_run_id === null || r.base_run_id === undefined ? null : Number(r.base_run_id),
  };
  return r.kind === 'full'
    ? { ...base, kind: 'full', params: parseJson<FullRunParams>(r.params), counts: parseJson<FullRunCounts | null>(r.counts) }
    : { ...base, kind: 'incremental', params: parseJson<IncrementalRunParams>(r.params), counts: parseJson<IncrementalRunCounts | null>(r.counts) };
}
const fullOnly = (r: MatchRun | undefined): FullRun | null => (r?.kind === 'full' ? r : null);

/** A match run of either kind. */
export async function matchRunById(q: Q, id: number): Promise<MatchRun | null> {
  const r = await row<RunRecord>(q, `SELECT ${RUN_COLUMNS} FROM match_runs WHERE id = ? AND kind IN (?)`, [id, MATCH_KINDS]);
  return r ? toRun(r) : null;
}

/** A full run (one process or shared); null for other kinds. */
export async function runById(q: Q, id: number): Promise<FullRun | null> {
  return fullOnly((await matchRunById(q, id)) ?? undefined);
}

/** Keys compare byte for byte (the column is binary): `K3` does not find `k3`. */
export async function runByKey(q: Q, key: string): Promise<FullRun | null> {
  const r = await row<RunRecord>(q, `SELECT ${RUN_COLUMNS} FROM match_runs WHERE run_key = ? AND kind = 'full'`, [Buffer.from(key, 'utf8')]);
  return fullOnly(r && toRun(r));
}

/** The newest one-process full run that stopped before publishing (what --resume continues). */
export async function latestResumable(q: Q): Promise<FullRun | null> {
  const r = await row<RunRecord>(
    q,
    `SELECT ${RUN_COLUMNS} FROM match_runs
      WHERE kind = 'full' AND run_key IS NULL AND status IN (?)
      ORDER BY id DESC LIMIT 1`,
    [RESUMABLE],
  );
  return fullOnly(r && toRun(r));
}

/** Frees a dead run's key for a new run of the same name. */
export async function releaseRunKey(q: Q, id: number): Promise<void> {
  await exec(q, 'UPDATE match_runs SET run_key = NULL WHERE id = ?', [id]);
}

/** Shared full runs still preparing or running: {id, shards}. */
export async function activeSharedRuns(q: Q): Promise<{ id: number; shards: number }[]> {
  const found = await rows<{ id: number; shards: number }>(q, "SELECT id, shards FROM match_runs WHERE kind = 'full' AND status IN (?) AND run_key IS NOT NULL", [ACTIVE]);
  return found.map((r) => ({ id: Number(r.id), shards: Number(r.shards) }));
}

export async function updateRunCounts(q: Q, id: number, counts: FullRunCounts): Promise<void> {
  await exec(q, 'UPDATE match_runs SET counts = ? WHERE id = ?', [JSON.stringify(counts), id]);
}

/** What a shard found reading the jobs (every shard reads them all; the first to record it wins). */
export async function recordJobSide(q: Q, runId: number, jobSide: JobSideCounts): Promise<void> {
  await exec(q, "UPDATE match_runs SET counts = ? WHERE id = ? AND (counts IS NULL OR JSON_EXTRACT(counts, '$.jobSide') IS NULL)", [JSON.stringify({ jobSide } satisfies FullRunCounts), runId]);
}

export async function insertBlocks(q: Q, runId: number, blocks: readonly BlockSpec[]): Promise<void> {
  for (let i = 0; i < blocks.length; i += 1000) {
    const rows = blocks.slice(i, i + 1000).map((b) => [runId, b.blockNo, b.shard, b.firstPos, b.endPos, 'pending']);
    await exec(q, 'INSERT INTO match_run_blocks (run_id, block_no, shard, first_pos, end_pos, state) VALUES ?', [rows]);
  }
}

export interface BlockRow extends BlockSpec {
  state: 'pending' | 'done';
  rowsWritten: number | null;
  stats: Record<string, unknown> | null;
  computeMs: number | null;
  host: string | null;
  pid: number | null;
  finishedAt: Date | null;
}

export async function runBlocks(q: Q, runId: number, shard?: number): Promise<BlockRow[]> {
  const found = await rows<{
    block_no: number;
    shard: number;
    first_pos: number;
    end_pos: number;
    state: 'pending' | 'done';
    rows_written: number | null;
    stats: unknown;
    compute_ms: number | null;
    host: string | null;
    pid: number | null;
    finished_at: Date | null;
  }>(
    q,
    `SELECT block_no, shard, first_pos, end_pos, state, rows_written, stats, compute_ms, host, pid, finished_at FROM match_run_blocks
      WHERE run_id = ?${shard === undefined ? '' : ' AND shard = ?'} ORDER BY block_no`,
    shard === undefined ? [runId] : [runId, shard],
  );
  return found.map((r) => ({
    blockNo: Number(r.block_no),
    shard: Number(r.shard),
    firstPos: Number(r.first_pos),
    endPos: Number(r.end_pos),
    state: r.state,
    rowsWritten: r.rows_written === null ? null : Number(r.rows_written),
    stats: parseJson<Record<string, unknown> | null>(r.stats),
    computeMs: r.compute_ms === null ? null : Number(r.compute_ms),
    host: r.host ?? null,
    pid: r.pid === null ? null : Number(r.pid),
    finishedAt: r.finished_at ?? null,
  }));
}

/**
 * Marks a block done together with its staged parts, in one transaction on the
 * caller's connection: a block is done exactly when everything it produced is
 * durable, and a crash in between leaves it pending (its rows are then replaced).
 */
export async function markBlockDone(
  conn: PoolConnection,
  runId: number,
  b: { blockNo: number; rowsWritten: number; stats: Record<string, unknown>; computeMs: number },
  parts: { kind: string; data: Buffer }[],
  chunkBytes: number,
): Promise<void> {
  await inTransaction(conn, async () => {
    for (const p of parts) await writeParts(conn, runId, p.kind, b.blockNo, p.data, chunkBytes);
    const res = await exec(
      conn,
      "UPDATE match_run_blocks SET state = 'done', rows_written = ?, stats = ?, compute_ms = ?, host = ?, pid = ?, finished_at = CURRENT_TIMESTAMP(3) WHERE run_id = ? AND block_no = ? AND state = 'pending'",
      [b.rowsWritten, JSON.stringify(b.stats), Math.round(b.computeMs), hostname().slice(0, 255), process.pid, runId, b.blockNo],
    );
    if (res.affectedRows !== 1) throw new Error(`block ${b.blockNo} of run ${runId} is no longer pending`);
  });
}

/** Stores `data` under (run, kind, block) in packets of at most chunkBytes (under max_allowed_packet). */
export async function writeParts(q: Q, runId: number, kind: string, blockNo: number, data: Buffer, chunkBytes: number): Promise<void> {
  await exec(q, 'DELETE FROM match_run_parts WHERE run_id = ? AND kind = ? AND block_no = ?', [runId, kind, blockNo]);
  for (let seq = 0, at = 0; at < data.length || seq === 0; seq++, at += chunkBytes) {
    await execPrepared(q, 'INSERT INTO match_run_parts (run_id, kind, block_no, seq, data) VALUES (?, ?, ?, ?, ?)', [runId, kind, blockNo, seq, data.subarray(at, at + chunkBytes)]);
  }
}

/** Every block's data of one kind, reassembled: block_no -> bytes. */
export async function readParts(q: Q, runId: number, kind: string, blockNo?: number): Promise<Map<number, Buffer>> {
  const found = await rows<{ block_no: number; data: Buffer }>(
    q,
    `SELECT block_no, seq, data FROM match_run_parts WHERE run_id = ? AND kind = ?${blockNo === undefined ? '' : ' AND block_no = ?'} ORDER BY block_no, seq`,
    blockNo === undefined ? [runId, kind] : [runId, kind, blockNo],
  );
  const chunks = new Map<number, Buffer[]>();
  for (const r of found) {
    const list = chunks.get(Number(r.block_no)) ?? [];
    list.push(r.data);
    chunks.set(Number(r.block_no), list);
  }
  return new Map([...chunks].map(([b, list]) => [b, Buffer.concat(list)]));
}

/** Forgets a run's bookkeeping (blocks and parts), e.g. once it is abandoned or superseded. */
export async function deleteRunBookkeeping(q: Q, runId: number, keepKinds: string[] = []): Promise<void> {
  await exec(q, `DELETE FROM match_run_parts WHERE run_id = ?${keepKinds.length ? ' AND kind NOT IN (?)' : ''}`, keepKinds.length ? [runId, keepKinds] : [runId]);
  await exec(q, 'DELETE FROM match_run_blocks WHERE run_id = ?', [runId]);
}
