import { bigint, datetime, double, index, int, json, mysqlEnum, mysqlTable, primaryKey, tinyint, varchar } from 'drizzle-orm/mysql-core';
import { longBlob, mediumBlob } from './columns.js';

/**
 * Bookkeeping of the run model (README docs/operations.md): a run's talents are cut
 * into blocks, each block's output is staged durably before the block is marked
 * done, and one publish merges and swaps it in. Binary payloads are fitmatch's own
 * formats (src/engine/SubjectLists.ts, src/engine/snapshotCodec.ts).
 */

/** One row per block of a run: which shard owns it, and whether its output is durable. */
export const matchRunBlocks = mysqlTable(
  'match_run_blocks',
  {
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    blockNo: int('block_no').notNull(),
    shard: int('shard').notNull(),
    /** Positions [first_pos, end_pos) in the run's sorted talent snapshot. */
    firstPos: int('first_pos').notNull(),
    endPos: int('end_pos').notNull(),
    state: mysqlEnum('state', ['pending', 'done']).notNull(),
    rowsWritten: int('rows_written'),
    /** What reading and scoring the block found (skips, talents without a match), summed at publish. */
    stats: json('stats'),
    host: varchar('host', { length: 255 }),
    pid: int('pid'),
    computeMs: int('compute_ms'),
    finishedAt: datetime('finished_at', { fsp: 3 }),
  },
  (t) => [primaryKey({ name: 'match_run_blocks_pk', columns: [t.runId, t.blockNo] }), index('ix_match_run_blocks_shard').on(t.runId, t.shard, t.state)],
);

/** Durable binary staging of a run (snapshot, partial job_to_talent lists, undo data), cut into packets. */
export const matchRunParts = mysqlTable(
  'match_run_parts',
  {
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    kind: varchar('kind', { length: 32 }).notNull(),
    blockNo: int('block_no').notNull(),
    seq: int('seq').notNull(),
    data: longBlob('data').notNull(),
  },
  (t) => [primaryKey({ name: 'match_run_parts_pk', columns: [t.runId, t.kind, t.blockNo, t.seq] })],
);

/**
 * What match_results holds right now: one row, swapped together with match_results
 * by the publishing RENAME and updated in the same transaction as an incremental
 * run's row changes, so it can never disagree with the table it describes.
 */
export const matchPublished = mysqlTable('match_published', {
  id: tinyint('id').primaryKey(),
  /** The run whose publish produced this state (a full run, or the latest incremental run on top of it). */
  runId: bigint('run_id', { mode: 'number' }).notNull(),
  /** The full run the published lists descend from. */
  baseRunId: bigint('base_run_id', { mode: 'number' }).notNull(),
  publishedAt: datetime('published_at', { fsp: 3 }).notNull(),
  topK: int('top_k').notNull(),
  /** Candidates kept beyond top_k per subject in match_lists (the incremental reserve). */
  reserve: int('reserve').notNull(),
  weightRoles: double('weight_roles').notNull(),
  weightSkills: double('weight_skills').notNull(),
  weightGrowth: double('weight_growth').notNull(),
  weightCareer: double('weight_career').notNull(),
  weightVision: double('weight_vision').notNull(),
  weightCulture: double('weight_culture').notNull(),
});

/** Each published subject's exact top-(k + reserve) list with float64 scores: what incremental runs repair. */
export const matchLists = mysqlTable(
  'match_lists',
  {
    direction: mysqlEnum('direction', ['talent_to_job', 'job_to_talent']).notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    entries: mediumBlob('entries').notNull(),
  },
  (t) => [primaryKey({ name: 'match_lists_pk', columns: [t.direction, t.subjectId] })],
);
