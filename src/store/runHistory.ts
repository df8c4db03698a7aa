import { parseJson } from './parseJson.js';
import type { BackfillRunCounts, FullRunCounts, IncrementalRunCounts } from './runCounts.js';
import { ACTIVE, MATCH_KINDS, STAGED, SUCCEEDED, UNFINISHED, type RunKind, type RunStatus } from './runLifecycle.js';
import { existingTables, rows, row, type Queryable } from './sql.js';

// match_runs as the on-call commands and cleanup read it: any kind, newest first.

interface RunInfoBase {
  id: number;
  status: RunStatus;
  runKey: string | null;
  shards: number;
  host: string | null;
  pid: number | null;
  startedAt: string;
  finishedAt: string | null;
  /** Finished runs: how long they took; runs in progress: how long they have been running. */
  durationMs: number;
  error: string | null;
}
/** A run as the on-call commands show it; its counts typed by its kind. */
export type RunInfo = RunInfoBase &
  ({ kind: 'full'; counts: FullRunCounts | null } | { kind: 'incremental'; counts: IncrementalRunCounts | null } | { kind: 'backfill'; counts: BackfillRunCounts | null });

export type RunGroup = 'match' | 'backfill';
export const kindsOf = (group: RunGroup): readonly RunKind[] => (group === 'match' ? MATCH_KINDS : ['backfill']);
export const groupOf = (kind: RunKind): RunGroup => (kind === 'backfill' ? 'backfill' : 'match');

const RUN_COLUMNS = 'id, kind, status, run_key, shards, host, pid, started_at, finished_at, counts, error';
interface RunInfoRecord {
  id: number;
  kind: RunKind;
  status: RunStatus;
  run_key: Buffer | string | null;
  shards: number | null;
  host: string | null;
  pid: number | null;
  started_at: Date;
  finished_at: Date | null;
  counts: unknown;
  error: string | null;
}

function toRunInfo(r: RunInfoRecord, now: Date): RunInfo {
  const finished = r.finished_at ?? null;
  const base: RunInfoBase = {
    id: Number(r.id),
    status: r.status,
    runKey: r.run_key === null || r.run_key === undefined ? null : String(r.run_key),
    shards: Number(r.shards ?? 1),
    host: r.host ?? null,
    pid: r.pid === null ? null : Number(r.pid),
    startedAt: r.started_at.toISOString(),
    finishedAt: finished?.toISOString() ?? null,
    durationMs: (finished ?? now).getTime() - r.started_at.getTime(),
    error: r.error ?? null,
  };
  if (r.kind === 'full') return { ...base, kind: r.kind, counts: parseJson<FullRunCounts | null>(r.counts) ?? null };
  if (r.kind === 'incremental') return { ...base, kind: r.kind, counts: parseJson<IncrementalRunCounts | null>(r.counts) ?? null };
  return { ...base, kind: r.kind, counts: parseJson<BackfillRunCounts | null>(r.counts) ?? null };
}

/** The newest `n` runs of a group; durations of runs in progress counted to `now`. */
export async function lastRuns(q: Queryable, group: RunGroup, n: number, now: Date): Promise<RunInfo[]> {
  return (await rows<RunInfoRecord>(q, `SELECT ${RUN_COLUMNS} FROM match_runs WHERE kind IN (?) ORDER BY id DESC LIMIT ?`, [kindsOf(group), n])).map((r) => toRunInfo(r, now));
}

/** Runs of any kind some process is (or was, if it died) working on, and staged runs waiting for `publish`, newest first. */
export async function activeRuns(q: Queryable, now: Date): Promise<RunInfo[]> {
  return (await rows<RunInfoRecord>(q, `SELECT ${RUN_COLUMNS} FROM match_runs WHERE status IN (?) ORDER BY id DESC`, [[...ACTIVE, ...STAGED]])).map((r) => toRunInfo(r, now));
}

/** The first run of the same group that succeeded after run `id`, if any. */
export async function laterSuccess(q: Queryable, id: number, group: RunGroup): Promise<number | null> {
  const found = (await row<{ id: number | null }>(q, 'SELECT MIN(id) AS id FROM match_runs WHERE id > ? AND kind IN (?) AND status IN (?)', [id, kindsOf(group), SUCCEEDED]))?.id;
  return found === null || found === undefined ? null : Number(found);
}

/** Unpublished full runs, oldest first, with when their last block finished. */
export async function unfinishedFullRuns(q: Queryable): Promise<{ id: number; runKey: string | null; shards: number; startedAt: Date; lastBlockAt: Date | null }[]> {
  const found = await rows<{ id: number; run_key: Buffer | string | null; shards: number | null; started_at: Date; last_block: Date | null }>(
    q,
    `SELECT r.id, r.run_key, r.shards, r.started_at, (SELECT MAX(b.finished_at) FROM match_run_blocks b WHERE b.run_id = r.id) AS last_block
       FROM match_runs r WHERE r.kind = 'full' AND r.status IN (?) ORDER BY r.id`,
    [UNFINISHED],
  );
  return found.map((r) => ({ id: Number(r.id), runKey: r.run_key === null ? null : String(r.run_key), shards: Number(r.shards ?? 1), startedAt: r.started_at, lastBlockAt: r.last_block ?? null }));
}

/** Ids of runs of any kind not yet published or given up. */
export async function unfinishedRunIds(q: Queryable): Promise<Set<number>> {
  return new Set((await rows<{ id: number }>(q, 'SELECT id FROM match_runs WHERE status IN (?)', [UNFINISHED])).map((r) => Number(r.id)));
}

/** The runs (and the full runs they descend from) of the live and the kept previous set. */
export async function runsOfPublishedSets(q: Queryable): Promise<Set<number>> {
  const keep = new Set<number>();
  const tables = await existingTables(q);
  for (const t of ['match_published', 'match_published_previous']) {
    if (!tables.has(t)) continue;
    for (const r of await rows<{ run_id: number; base_run_id: number }>(q, `SELECT run_id, base_run_id FROM ${t}`)) keep.add(Number(r.run_id)).add(Number(r.base_run_id));
  }
  return keep;
}

/** Match runs that still have bookkeeping (parts or blocks), with the full run an incremental one descends from. */
export async function runsWithBookkeeping(q: Queryable): Promise<{ id: number; status: RunStatus; fullRunId: number | undefined }[]> {
  const found = await rows<{ id: number; kind: RunKind; status: RunStatus; params: unknown }>(
    q,
    `SELECT DISTINCT r.id, r.kind, r.status, r.params FROM match_runs r JOIN match_run_parts p ON p.run_id = r.id WHERE r.kind IN (?)
     UNION SELECT DISTINCT r.id, r.kind, r.status, r.params FROM match_runs r JOIN match_run_blocks b ON b.run_id = r.id WHERE r.kind IN (?)`,
    [MATCH_KINDS, MATCH_KINDS],
  );
  return found.map((r) => ({ id: Number(r.id), status: r.status, fullRunId: r.kind === 'incremental' ? parseJson<{ fullRunId?: number }>(r.params)?.fullRunId : undefined }));
}
