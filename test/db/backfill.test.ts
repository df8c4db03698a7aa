import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../src/commands/backfill.js';
import { acquireLock } from '../../src/db/advisoryLock.js';
import { ExitCode, InterruptedError, LockedError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { ctxFor, keys, norm, storedVectors, tableChecksum, unit } from './backfillHelpers.js';
import { DIRTY_SQL } from './backfillDirtyData.js';

const run = (t: TestDatabase, o: Partial<Parameters<typeof backfill>[0]> = {}, signal?: AbortSignal) =>
  backfill({ source: 'matching_vectors', ...o }, ctxFor(t, { signal }));

describe('backfill --source matching_vectors on dirty data', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('backfill_mv');
    await t.exec(DIRTY_SQL);
  });
  afterAll(async () => t?.drop());

  it('imports exactly the valid facets and reports every skip with its reason', async () => {
    const s = await run(t);
    expect(await keys(t, 'talent_embeddings')).toEqual([1, 2, 3, 6, 9]);
    expect(await keys(t, 'job_embeddings')).toEqual([10, 11]);
    expect(s.entity.talents).toMatchObject({ inserted: 5, updated: 0, removed: 0 });
    expect(s.entity.jobs).toMatchObject({ inserted: 2 });
    expect(s.dims).toEqual({ roles: 4, skills: 4, growth: 4, career: 4, vision: 4, culture: 4 });
    const rowSkips = Object.fromEntries(Object.entries(s.rowSkips).map(([k, v]) => [k, v.examples.sort()]));
    expect(rowSkips).toEqual({
      superseded_duplicate: ['1', '3'],
      no_valid_facet: ['6'],
      no_talent_profile: ['7'],
      talent_row_with_posting: ['9'],
      talent_deleted: ['10'],
      company_row_without_posting: ['20'],
      posting_of_other_company: ['22', '23'],
      posting_deleted: ['25'],
    });
    const facetSkips = Object.fromEntries(Object.entries(s.facetSkips).map(([k, v]) => [k, v.examples.sort()]));
    expect(facetSkips).toEqual({
      empty: ['talent 4/roles'],
      not_numeric: ['talent 4/skills', 'talent 6/career', 'talent 6/growth'],
      not_finite: ['talent 4/culture', 'talent 4/growth', 'talent 6/culture'],
      zero_norm: ['talent 4/career'],
      wrong_dim: ['talent 4/vision', 'talent 9/vision'],
      bad_shape: ['talent 3/culture', 'talent 3/vision', 'talent 6/vision'],
    });
  });

  it('stores unit-length float32 vectors equal to the normalised input; the newest duplicate wins', async () => {
    const t1 = (await storedVectors(t, 'talent_embeddings', 1))!;
    expect(Array.from(t1[0]!)).toEqual(unit([1, 2, 3, 4]).map(Math.fround));
    for (const v of t1) expect(norm(v!)).toBeCloseTo(1, 6);
    const t2 = (await storedVectors(t, 'talent_embeddings', 2))!;
    expect(Array.from(t2[0]!)).toEqual([0, 0.6, 0, 0.8].map(Math.fround));
    const t3 = (await storedVectors(t, 'talent_embeddings', 3))!;
    expect(Array.from(t3[0]!)).toEqual(unit([1, 2, 1e-3, 4]).map(Math.fround));
    expect(Array.from(t3[1]!)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(t3[2]!)).toEqual([1, 0, 0, 0]);
    expect(Array.from(t3[3]!)).toEqual([0, 0, 0, 1]);
    expect(t3[4]).toBeNull();
    expect(t3[5]).toBeNull();
    const t6 = (await storedVectors(t, 'talent_embeddings', 6))!;
    expect(t6.map((v) => v !== null)).toEqual([true, false, false, false, false, false]);
    const j10 = (await storedVectors(t, 'job_embeddings', 10))!;
    expect(Array.from(j10[0]!)).toEqual([0.6, 0, 0.8, 0].map(Math.fround));
    const [meta] = (await t.exec('SELECT source, source_row_id, model FROM talent_embeddings WHERE talent_user_id = 1')) as Record<string, unknown>[];
    expect(meta).toEqual({ source: 'matching_vectors', source_row_id: 2, model: 'matching_vectors:4,4,4,4,4,4' });
  });

  it('a re-run on unchanged data writes nothing and says so', async () => {
    const before = await tableChecksum(t);
    const ctx = ctxFor(t);
    const s = await backfill({ source: 'matching_vectors' }, ctx);
    expect(s.entity.talents).toEqual({ inserted: 0, updated: 0, unchanged: 5, removed: 0, touched: 0 });
    expect(s.entity.jobs).toEqual({ inserted: 0, updated: 0, unchanged: 2, removed: 0, touched: 0 });
    expect(s.rowsMeasured).toBe(0);
    expect(await tableChecksum(t)).toBe(before);
    expect(ctx.lines.some((l) => l.includes('nothing to do'))).toBe(true);
  });

  it('--dry-run reports a change but writes nothing; the real run then updates it', async () => {
    await t.exec(`UPDATE matching_vectors SET vector_roles = '[4,3,2,1]', updated_at = '2024-06-01' WHERE id = 2`);
    const before = await tableChecksum(t);
    const runsBefore = (await t.exec('SELECT COUNT(*) AS n FROM match_runs')) as { n: number }[];
    const dry = await run(t, { dryRun: true });
    expect(dry.entity.talents).toMatchObject({ updated: 1, unchanged: 4 });
    expect(await tableChecksum(t)).toBe(before);
    expect(await t.exec('SELECT COUNT(*) AS n FROM match_runs')).toEqual(runsBefore);
    const s = await run(t);
    expect(s.entity.talents).toMatchObject({ updated: 1, unchanged: 4, inserted: 0, removed: 0 });
    expect(Array.from((await storedVectors(t, 'talent_embeddings', 1))![0]!)).toEqual(unit([4, 3, 2, 1]).map(Math.fround));
  });

  it('a newer updated_at with identical payloads refreshes metadata only', async () => {
    await t.exec(`UPDATE matching_vectors SET updated_at = '2024-07-01' WHERE id = 4`);
    const s = await run(t);
    expect(s.entity.talents).toMatchObject({ touched: 1, updated: 0 });
    expect((await run(t)).entity.talents).toMatchObject({ touched: 0, updated: 0, unchanged: 5 });
  });

  it('removes embeddings whose source row is deleted or whose talent/posting is soft-deleted', async () => {
    await t.exec(`DELETE FROM matching_vectors WHERE id = 8`);
    await t.exec(`UPDATE job_postings SET deleted_at = '2025-02-01' WHERE id = 11`);
    await t.exec(`UPDATE talent_profiles SET deleted_at = '2025-02-01' WHERE user_id = 9`);
    const s = await run(t);
    expect(s.entity.talents).toMatchObject({ removed: 2, unchanged: 3 });
    expect(s.entity.jobs).toMatchObject({ removed: 1, unchanged: 1 });
    expect(await keys(t, 'talent_embeddings')).toEqual([1, 2, 3]);
    expect(await keys(t, 'job_embeddings')).toEqual([10]);
    await t.exec(`UPDATE job_postings SET deleted_at = NULL WHERE id = 11`);
    await t.exec(`UPDATE talent_profiles SET deleted_at = NULL WHERE user_id = 9`);
    const back = await run(t);
    expect(back.entity.talents.inserted + back.entity.jobs.inserted).toBe(2);
  });

  it('--full rewrites every entity', async () => {
    const s = await run(t, { full: true });
    expect(s.entity.talents).toMatchObject({ updated: 4, unchanged: 0, inserted: 0 });
    expect(s.entity.jobs).toMatchObject({ updated: 2, unchanged: 0 });
    const [{ n }] = (await t.exec('SELECT COUNT(*) AS n FROM matching_vectors')) as { n: number }[];
    expect(s.rowsMeasured).toBe(Number(n));
  });

  it('--dim overrides the inferred dimension for every facet; removing most rows needs --allow-shrink', async () => {
    const before = await keys(t, 'talent_embeddings');
    const refused = await run(t, { dim: 3 }).catch((e) => e);
    expect(refused).toMatchObject({ exitCode: ExitCode.REFUSED, message: expect.stringMatching(/talents with embeddings would drop from 4 to 1 .*jobs with embeddings would drop from 2 to 0/) });
    expect(await keys(t, 'talent_embeddings')).toEqual(expect.arrayContaining(before));
    const s = await run(t, { dim: 3, allowShrink: true });
    expect(s.dims.vision).toBe(3);
    // Only 3-long facets are valid now: talent 4 (vision [1,2,3]) and talent 9 (vision [1,2,2]).
    expect(await keys(t, 'talent_embeddings')).toEqual([4, 9]);
    expect(Array.from((await storedVectors(t, 'talent_embeddings', 9))![4]!)).toEqual(unit([1, 2, 2]).map(Math.fround));
    expect(await keys(t, 'job_embeddings')).toEqual([]);
    await run(t);
    expect(await keys(t, 'talent_embeddings')).toEqual([1, 2, 3, 9]);
  });

  it('an interrupted run keeps its committed batches and the next run continues', async () => {
    await t.exec('DELETE FROM talent_embeddings');
    await t.exec('DELETE FROM job_embeddings');
    const ac = new AbortController();
    const lines: string[] = [];
    const log = createLogger({ format: 'json', write: (l) => {
      lines.push(l);
      if (l.includes('"event":"progress"')) ac.abort();
    } });
    const err = await backfill({ source: 'matching_vectors', batchSize: 2 }, { ...ctxFor(t), log, signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(ExitCode.INTERRUPTED);
    const partial = [...(await keys(t, 'talent_embeddings')), ...(await keys(t, 'job_embeddings'))];
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(6);
    const [last] = (await t.exec(`SELECT status FROM match_runs ORDER BY id DESC LIMIT 1`)) as { status: string }[];
    expect(last.status).toBe('interrupted');
    const s = await run(t);
    expect(s.entity.talents.inserted + s.entity.jobs.inserted).toBe(6 - partial.length);
    expect(s.entity.talents.unchanged + s.entity.jobs.unchanged).toBe(partial.length);
    expect(await keys(t, 'talent_embeddings')).toEqual([1, 2, 3, 9]);
  });

  it('records runs in match_runs with params, counts and timings', async () => {
    const rows = (await t.exec(`SELECT status, params, counts, timings FROM match_runs WHERE kind = 'backfill' ORDER BY id DESC LIMIT 1`)) as Record<string, unknown>[];
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(rows[0].status).toBe('succeeded');
    expect(parse(rows[0].params)).toMatchObject({ source: 'matching_vectors', full: false });
    expect(parse(rows[0].counts)).toMatchObject({ talents: { inserted: 2 } });
    expect(parse(rows[0].timings)).toHaveProperty('total');
  });

  it('a second concurrent backfill fails with LockedError (exit 4)', async () => {
    const held = await acquireLock(t.db, 'backfill');
    try {
      const err = await run(t).catch((e) => e);
      expect(err).toBeInstanceOf(LockedError);
      expect(err.exitCode).toBe(ExitCode.LOCKED);
    } finally {
      await held.release();
    }
  });
});

describe('backfill on an unmigrated database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('backfill_unmig', { migrate: false });
  });
  afterAll(async () => t?.drop());

  it('refuses to run (exit 7)', async () => {
    const err = await run(t).catch((e) => e);
    expect(err.exitCode).toBe(ExitCode.NOT_MIGRATED);
  });
});
