import { bigint, datetime, index, int, json, mysqlEnum, mysqlTable, text, uniqueIndex, varbinary, varchar } from 'drizzle-orm/mysql-core';
import { createdAt } from './columns.js';

/**
 * One row per run: kind, parameters, counts, phase timings, status. The status
 * is written only by src/store/runLifecycle.ts (docs/operations.md "Run lifecycle").
 */
export const matchRuns = mysqlTable(
  'match_runs',
  {
    id: bigint('id', { mode: 'number' }).autoincrement().primaryKey(),
    /** full: computes the whole set (one process, resumed or sharded); incremental: changes the published set of base_run_id. */
    kind: mysqlEnum('kind', ['full', 'incremental', 'backfill']).notNull(),
    status: mysqlEnum('status', ['preparing', 'running', 'staged', 'succeeded', 'failed', 'interrupted', 'rolled_back', 'abandoned']).notNull(),
    /** Incremental runs: the run whose published state they change. */
    baseRunId: bigint('base_run_id', { mode: 'number' }),
    /**
     * The database server's clock when the run read its snapshot of the source
     * data: a run publishes only over a set whose snapshot is older (src/runs/publishOrder.ts).
     */
    snapshotAt: datetime('snapshot_at', { fsp: 6 }),
    /** Names a run that several processes share (--run-key), compared byte for byte; NULL for one-process runs. */
    runKey: varbinary('run_key', { length: 191 }),
    /** Processes the run is split into (--shard I/N); 1 for one-process runs. */
    shards: int('shards'),
    params: json('params'),
    counts: json('counts'),
    timings: json('timings'),
    error: text('error'),
    host: varchar('host', { length: 255 }),
    pid: int('pid'),
    startedAt: datetime('started_at', { fsp: 3 }).notNull(),
    finishedAt: datetime('finished_at', { fsp: 3 }),
    createdAt: createdAt(),
  },
  (t) => [index('ix_match_runs_kind_status').on(t.kind, t.status, t.id), uniqueIndex('ux_match_runs_run_key').on(t.runKey)],
);
