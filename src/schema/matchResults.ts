import { sql } from 'drizzle-orm';
import { bigint, datetime, decimal, index, mysqlEnum, mysqlTable, primaryKey } from 'drizzle-orm/mysql-core';
import { jobPostings, users } from '../db/appTables.js';

/**
 * The contract the FastAPI app reads (docs/contract.md), version 2: no stored rank.
 * A list's order is (total_score DESC, the other side's id ASC), derived at read
 * time, so a row never changes because a neighbour left.
 * Column names and types must not change without a note to the app team.
 */
const score = (name: string) => decimal(name, { precision: 5, scale: 2 });

export const matchResults = mysqlTable(
  'match_results',
  {
    direction: mysqlEnum('direction', ['talent_to_job', 'job_to_talent']).notNull(),
    talentUserId: bigint('talent_user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    jobPostingId: bigint('job_posting_id', { mode: 'number' })
      .notNull()
      .references(() => jobPostings.id, { onDelete: 'cascade' }),
    totalScore: score('total_score').notNull(),
    scoreRoles: score('score_roles'),
    scoreSkills: score('score_skills'),
    scoreGrowth: score('score_growth'),
    scoreCareer: score('score_career'),
    scoreVision: score('score_vision'),
    scoreCulture: score('score_culture'),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    computedAt: datetime('computed_at').notNull().default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [
    primaryKey({ name: 'match_results_pk', columns: [t.direction, t.talentUserId, t.jobPostingId] }),
    // "top jobs for talent X": WHERE talent_user_id=? AND direction='talent_to_job' ORDER BY total_score DESC, job_posting_id
    index('ix_match_results_talent').on(t.talentUserId, t.direction, sql`${t.totalScore} desc`, t.jobPostingId),
    // "top talents for job Y": WHERE job_posting_id=? AND direction='job_to_talent' ORDER BY total_score DESC, talent_user_id
    index('ix_match_results_job').on(t.jobPostingId, t.direction, sql`${t.totalScore} desc`, t.talentUserId),
  ],
);
