import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../../src/commands/match.js';
import type { Flags } from '../../src/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { matchCtx, publishedRows } from './matchHelpers.js';
import { bruteForceEngine } from './matchReference.js';
import { rng, seedCompany, seedJob, seedTalent } from './matchSeed.js';

// 2026-06-14 18:30 UTC is 2026-06-15 03:30 in Seoul: the nightly cron's "today" is the 15th.
const CRON_AT = '2026-06-14T18:30:00Z';

describe('fitmatch match: eligibility', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('match_elig');
    const r = rng(7);
    const vecs = () => [Array.from({ length: 4 }, r), Array.from({ length: 4 }, r), null, null, null, null];
    await seedTalent(t, { id: 1, vecs: vecs() }); // eligible
    await seedTalent(t, { id: 2, vecs: vecs(), userDeleted: true });
    await seedTalent(t, { id: 3, vecs: vecs(), profileDeleted: true });
    await seedTalent(t, { id: 4, vecs: vecs(), noProfile: true });
    await seedTalent(t, { id: 5, vecs: vecs(), role: 'company' });
    await seedTalent(t, { id: 6 }); // profile but no embedding
    await seedTalent(t, { id: 7, vecs: [null, null, null, null, null, null] }); // embedding row without any facet
    await seedTalent(t, { id: 8, vecs: vecs() }); // eligible
    const c = await seedCompany(t, 900);
    await seedJob(t, { id: 11, companyId: c, vecs: vecs() }); // eligible, no deadline
    await seedJob(t, { id: 12, companyId: c, vecs: vecs(), status: 'DRAFT' });
    await seedJob(t, { id: 13, companyId: c, vecs: vecs(), status: 'CLOSED' });
    await seedJob(t, { id: 14, companyId: c, vecs: vecs(), status: 'ARCHIVED' });
    await seedJob(t, { id: 15, companyId: c, vecs: vecs(), deadline: '2026-06-14' }); // yesterday in Seoul
    await seedJob(t, { id: 16, companyId: c, vecs: vecs(), deadline: '2026-06-15' }); // today: still open
    await seedJob(t, { id: 17, companyId: c, vecs: vecs(), deleted: true });
    await seedJob(t, { id: 18, companyId: c }); // no embedding
  });
  afterAll(async () => t?.drop());

  async function matchedIds(flags: Flags = {}): Promise<{ talents: number[]; jobs: number[] }> {
    // Each case narrows or widens the set on purpose: the shrink guard has tests of its own.
    await match({ engine: bruteForceEngine(), allowShrink: true }, matchCtx(t, flags, CRON_AT));
    const rows = await publishedRows(t);
    const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
    // With full-facet overlap every eligible talent and job appears in both directions.
    return { talents: uniq(rows.map((r) => r.talent)), jobs: uniq(rows.map((r) => r.job)) };
  }

  it('by default keeps only live talents with a profile and open, published, non-expired postings', async () => {
    expect(await matchedIds()).toEqual({ talents: [1, 8], jobs: [11, 16] });
  });

  it('takes "today" in the configured time zone (UTC still sees the 14th)', async () => {
    expect((await matchedIds({ timezone: 'UTC' })).jobs).toEqual([11, 15, 16]);
    expect((await matchedIds({ today: '2026-06-16' })).jobs).toEqual([11]);
  });

  it('widens by flag: statuses, expired, soft-deleted', async () => {
    expect((await matchedIds({ jobStatuses: 'PUBLISHED,CLOSED' })).jobs).toEqual([11, 13, 16]);
    expect((await matchedIds({ includeExpired: true })).jobs).toEqual([11, 15, 16]);
    // Soft-deleted rows come back; a talent without a profile row or with role=company never does.
    expect(await matchedIds({ includeDeleted: true })).toEqual({ talents: [1, 2, 3, 8], jobs: [11, 16, 17] });
  });
});
