import { bigint, mysqlTable } from 'drizzle-orm/mysql-core';

/**
 * The FastAPI app's tables that fitmatch's foreign keys point at. Only the key
 * columns are declared. This module is deliberately NOT in drizzle.config.ts's
 * schema list, so drizzle-kit never generates DDL for the app's tables.
 */
export const users = mysqlTable('users', { id: bigint('id', { mode: 'number' }).primaryKey() });
export const talentProfiles = mysqlTable('talent_profiles', { userId: bigint('user_id', { mode: 'number' }).primaryKey() });
export const jobPostings = mysqlTable('job_postings', { id: bigint('id', { mode: 'number' }).primaryKey() });

/** FK targets `migrate --check` verifies exist as BIGINT. */
export const FK_TARGETS = [
  { table: 'users', column: 'id' },
  { table: 'talent_profiles', column: 'user_id' },
  { table: 'job_postings', column: 'id' },
] as const;
