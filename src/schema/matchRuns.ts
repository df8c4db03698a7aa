import { bigint, datetime, index, int, json, mysqlEnum, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { createdAt } from './columns.js';

/** One row per match (or backfill) run: parameters, counts, phase timings, final status. */
export const matchRuns = mysqlTable(
  'match_runs',
  {
    id: bigint('id', { mode: 'number' }).autoincrement().primaryKey(),
    kind: mysqlEnum('kind', ['match', 'backfill']).notNull(),
    status: mysqlEnum('status', ['preparing', 'running', 'succeeded', 'failed', 'interrupted', 'rolled_back', 'abandoned']).notNull(),
    /** Names a run that several processes share (--run-key); NULL for one-process runs. */
    runKey: varchar('run_key', { length: 191 }),
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
