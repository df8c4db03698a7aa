import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { seed, type SeedOptions } from '../../src/commands/seed.js';
import { ExitCode, FitmatchError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { DIRTY_KINDS } from '../../src/seed/dirty.js';
import type { SeedManifest } from '../../src/seed/manifest.js';
import { SEED_TABLE_NAMES } from '../../src/seed/tables.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const SMALL: SeedOptions = { seed: 11, talents: 300, jobs: 80, companies: 12, dim: 16, dirty: 0.3 };
const clock = fixedClock('2025-06-01T12:00:00Z');
const ctxFor = (t: TestDatabase) => ({ db: t.db, log: memoryLogger(), clock, signal: new AbortController().signal });
const rows = async (t: TestDatabase, sql: string) => (await t.exec(sql)) as Record<string, unknown>[];
const vectorsOf = (t: TestDatabase) =>
  rows(t, 'SELECT id, user_id, role, vector_roles, vector_skills, vector_growth, vector_career, vector_vision, vector_culture, updated_at, job_posting_id FROM matching_vectors ORDER BY id');

describe('fitmatch seed', () => {
  let empty: TestDatabase;
  let loaded: TestDatabase;
  let manifest: SeedManifest;
  beforeAll(async () => {
    empty = await createTestDatabase('seed_empty', { fixture: false, migrate: false });
    loaded = await createTestDatabase('seed_loaded');
    manifest = await seed(SMALL, ctxFor(empty));
  });
  afterAll(async () => {
    await empty?.drop();
    await loaded?.drop();
  });

  it('loads the app schema into an empty database and writes the manifest row counts', async () => {
    for (const table of SEED_TABLE_NAMES) {
      const [r] = await rows(empty, `SELECT COUNT(*) AS n FROM \`${table}\``);
      expect(Number(r.n), table).toBe(manifest.rows[table]);
    }
    expect(manifest.rows.users).toBe(SMALL.talents! + SMALL.companies!);
    expect(manifest.rows.job_postings).toBe(SMALL.jobs);
  });

  it('leaves no orphan rows and only valid enum values', async () => {
    const [o] = await rows(
      empty,
      `SELECT (SELECT COUNT(*) FROM matching_vectors v LEFT JOIN users u ON u.id = v.user_id WHERE u.id IS NULL) AS mv_user,
              (SELECT COUNT(*) FROM matching_vectors v LEFT JOIN job_postings p ON p.id = v.job_posting_id WHERE v.job_posting_id IS NOT NULL AND p.id IS NULL) AS mv_job,
              (SELECT COUNT(*) FROM companies c JOIN users u ON u.id = c.owner_user_id WHERE u.role <> 'company') AS bad_owner,
              (SELECT COUNT(*) FROM talent_profiles t JOIN users u ON u.id = t.user_id WHERE u.role <> 'talent') AS bad_talent,
              (SELECT COUNT(*) FROM job_postings WHERE location_city = '' OR status = '' OR salary_range = '') AS bad_enum`,
    );
    expect(o).toEqual({ mv_user: 0, mv_job: 0, bad_owner: 0, bad_talent: 0, bad_enum: 0 });
  });

  it('has every status, deadline and soft-delete case the manifest reports', async () => {
    const byStatus = await rows(empty, 'SELECT status, COUNT(*) AS n FROM job_postings GROUP BY status');
    expect(Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]))).toEqual(manifest.statuses);
    const [d] = await rows(
      empty,
      `SELECT SUM(deadline_date < '${manifest.today}') AS past, SUM(deadline_date = '${manifest.today}') AS today,
              SUM(deadline_date > '${manifest.today}') AS future, SUM(deadline_date IS NULL) AS none FROM job_postings`,
    );
    expect(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Number(v)]))).toEqual(manifest.deadlines);
    expect(Object.values(manifest.deadlines).every((n) => n > 0)).toBe(true);
    const [s] = await rows(
      empty,
      `SELECT (SELECT COUNT(*) FROM users WHERE deleted_at IS NOT NULL) AS users, (SELECT COUNT(*) FROM talent_profiles WHERE deleted_at IS NOT NULL) AS talentProfiles,
              (SELECT COUNT(*) FROM job_postings WHERE deleted_at IS NOT NULL) AS jobPostings,
              (SELECT COUNT(*) FROM users u LEFT JOIN talent_profiles t ON t.user_id = u.id WHERE u.role = 'talent' AND t.user_id IS NULL) AS noProfile`,
    );
    expect({ users: Number(s.users), talentProfiles: Number(s.talentProfiles), jobPostings: Number(s.jobPostings) }).toEqual(manifest.softDeleted);
    expect(Number(s.noProfile)).toBe(manifest.talentsWithoutProfile);
    expect(Object.values(manifest.softDeleted).every((n) => n > 0) && manifest.talentsWithoutProfile > 0).toBe(true);
  });

  it('writes every dirty kind, each example a real matching_vectors row of that shape', async () => {
    for (const kind of DIRTY_KINDS) {
      expect(manifest.dirty[kind].count, kind).toBeGreaterThan(0);
      for (const e of manifest.dirty[kind].examples) {
        const [r] = await rows(empty, `SELECT user_id, role, job_posting_id FROM matching_vectors WHERE id = ${e.vectorRowId}`);
        expect(r, `${kind} row ${e.vectorRowId}`).toBeDefined();
        if (kind === 'company_vector_without_posting') expect(r).toMatchObject({ role: 'company', job_posting_id: null });
        if (kind === 'posting_of_other_company') {
          const [own] = await rows(empty, `SELECT c.owner_user_id AS owner FROM job_postings p JOIN companies c ON c.id = p.company_id WHERE p.id = ${e.entityId}`);
          expect(Number(r.user_id)).not.toBe(Number(own.owner));
        }
        if (kind === 'duplicate_talent_row') {
          const [n] = await rows(empty, `SELECT COUNT(*) AS n FROM matching_vectors WHERE user_id = ${e.entityId} AND job_posting_id IS NULL`);
          expect(Number(n.n)).toBe(2);
        }
      }
    }
  });

  it('is deterministic: the same seed writes the same matching_vectors into another database', async () => {
    const again = await seed(SMALL, ctxFor(loaded));
    expect(again.dirty).toEqual(manifest.dirty);
    expect(await vectorsOf(loaded)).toEqual(await vectorsOf(empty));
  });

  it('refuses a database holding data it did not create, unless --force', async () => {
    const other = await createTestDatabase('seed_foreign', { migrate: false });
    try {
      await other.exec(`INSERT INTO users (email, password_hash, role) VALUES ('real.person@example.com', 'x', 'talent')`);
      const err = await seed({ ...SMALL, talents: 5, jobs: 2, companies: 2 }, ctxFor(other)).catch((e) => e);
      expect(err).toBeInstanceOf(FitmatchError);
      expect((err as FitmatchError).exitCode).toBe(ExitCode.USAGE);
      expect((err as Error).message).toMatch(/did not create.*--force/);
      const [n] = await rows(other, 'SELECT COUNT(*) AS n FROM users');
      expect(Number(n.n)).toBe(1);
      const forced = await seed({ ...SMALL, talents: 5, jobs: 2, companies: 2, force: true }, ctxFor(other));
      const [m] = await rows(other, 'SELECT COUNT(*) AS n, MIN(id) AS first FROM users WHERE email LIKE "%@seed.fitmatch.invalid"');
      expect(Number(m.n)).toBe(forced.rows.users);
      expect(Number(m.first)).toBe(2);
      await seed({ ...SMALL, talents: 5, jobs: 2, companies: 2, force: true, reset: true }, ctxFor(other));
      const [r] = await rows(other, `SELECT COUNT(*) AS n FROM users WHERE email = 'real.person@example.com'`);
      expect(Number(r.n)).toBe(1);
    } finally {
      await other.drop();
    }
  });

  it('refuses to seed twice without --reset; --reset replaces the seed data with identical rows', async () => {
    const before = await vectorsOf(empty);
    const err = await seed(SMALL, ctxFor(empty)).catch((e) => e);
    expect((err as FitmatchError).exitCode).toBe(ExitCode.USAGE);
    expect((err as Error).message).toMatch(/--reset/);
    const again = await seed({ ...SMALL, reset: true }, ctxFor(empty));
    expect(again.rows).toEqual(manifest.rows);
    expect(await vectorsOf(empty)).toEqual(before);
  });
});
