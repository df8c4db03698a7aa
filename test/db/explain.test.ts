import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/commands/explain.js';
import { match } from '../../src/commands/match.js';
import type { EntityReport, PairReport } from '../../src/explain/explainReport.js';
import type { Reason } from '../../src/explain/pairVerdict.js';
import { FACETS } from '../../src/facets.js';
import { formatDims, packVectors } from '../../src/vectors/packedVectors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { matchCtx, publishedRows, type PublishedRow } from './matchHelpers.js';
import { bruteForceEngine } from './matchReference.js';
import { seedCompany, seedJob, seedTalent } from './matchSeed.js';
import { jsonCtx } from './runHelpers.js';

// 18:30 UTC on the 14th is the 15th in Seoul: the run compares deadlines with 2026-06-15.
const CRON_AT = '2026-06-14T18:30:00Z';
const wrongDim = new Uint8Array(12);

async function explainJson<T = PairReport>(t: TestDatabase, o: { talentId?: number; jobId?: number }): Promise<T> {
  let out = '';
  await explain({ ...o, json: true, write: (s) => (out += s) }, jsonCtx(t, { at: CRON_AT }));
  return JSON.parse(out) as T;
}
async function explainText(t: TestDatabase, o: { talentId?: number; jobId?: number }): Promise<string> {
  let out = '';
  await explain({ ...o, write: (s) => (out += s) }, jsonCtx(t, { at: CRON_AT }));
  return out;
}
/** The reason of a pair absent both ways (the same one both ways). */
async function whyAbsent(t: TestDatabase, talentId: number, jobId: number): Promise<Reason> {
  const r = await explainJson(t, { talentId, jobId });
  expect(r.published).toEqual({ talent_to_job: null, job_to_talent: null });
  expect(r.absent_because!.talent_to_job).toEqual(r.absent_because!.job_to_talent);
  return r.absent_because!.talent_to_job!;
}

describe('fitmatch explain', () => {
  let t: TestDatabase;
  let rows: PublishedRow[];
  beforeAll(async () => {
    t = await createTestDatabase('explain');
    const c = await seedCompany(t, 900);
    // Talents 1 and 2 both like postings 11 and 12; with top 1 each keeps only its best.
    await seedTalent(t, { id: 1, vecs: [[1, 0, 0, 0], [1, 0, 0, 0]] });
    await seedTalent(t, { id: 2, vecs: [[0, 1, 0, 0], [0, 1, 0, 0]] });
    await seedTalent(t, { id: 3, vecs: [[1, 0, 0, 0]], userDeleted: true });
    await seedTalent(t, { id: 4, vecs: [[1, 0, 0, 0]], noProfile: true });
    await seedTalent(t, { id: 5, vecs: [[1, 0, 0, 0]], role: 'company' });
    await seedTalent(t, { id: 6, vecs: [[1, 0, 0, 0]], profileDeleted: true });
    await seedTalent(t, { id: 7 });
    await seedTalent(t, { id: 8, vecs: [wrongDim] });
    await seedTalent(t, { id: 9, vecs: [null, null, null, null, null, [1, 0, 0, 0]] });
    await seedTalent(t, { id: 10, vecs: [[1, 1, 0, 0]] });
    await seedJob(t, { id: 11, companyId: c, vecs: [[1, 0.2, 0, 0], [1, 0, 0, 0]] });
    await seedJob(t, { id: 12, companyId: c, vecs: [[0.2, 1, 0, 0], [0, 1, 0, 0]] });
    await seedJob(t, { id: 13, companyId: c, vecs: [[1, 0, 0, 0]], status: 'DRAFT' });
    await seedJob(t, { id: 14, companyId: c, vecs: [[1, 0, 0, 0]], deadline: '2026-06-14' });
    await seedJob(t, { id: 15, companyId: c, vecs: [[1, 0, 0, 0]], deleted: true });
    await seedJob(t, { id: 16, companyId: c });
    await seedJob(t, { id: 17, companyId: c, vecs: [[0, 0, 0, 0]] });
    await seedJob(t, { id: 18, companyId: c, vecs: [[1, 0, 0, 1]] });
    await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '1' }, CRON_AT));
    rows = await publishedRows(t);
    // After the run: talent 10's and posting 18's vectors change, talent 20 appears.
    for (const [table, key, id] of [['talent_embeddings', 'talent_user_id', 10], ['job_embeddings', 'job_posting_id', 18]] as const) {
      const p = packVectors([Float32Array.from([0, 0, 1, 0]), null, null, null, null, null]);
      await t.exec(`UPDATE ${table} SET vectors = ?, facet_mask = ?, facet_dims = ?, vectors_hash = ? WHERE ${key} = ?`, [p.blob, p.mask, formatDims(p.dims), p.hash, id]);
    }
    await seedTalent(t, { id: 20, vecs: [[1, 0, 0, 0]] });
  });
  afterAll(async () => t?.drop());

  it("found in both directions: the app's score shape, the ranks, nothing absent", async () => {
    const both = rows.find((r) => r.direction === 'talent_to_job' && rows.some((x) => x.direction === 'job_to_talent' && x.talent === r.talent && x.job === r.job))!;
    const r = await explainJson(t, { talentId: both.talent, jobId: both.job });
    expect(Object.keys(r)).toEqual(['talent_id', 'job_id', 'weights', 'overall', 'facets', 'run_id', 'published_at', 'top_k', 'published', 'absent_because']);
    expect(r).toMatchObject({ talent_id: both.talent, job_id: both.job, weights: Object.fromEntries(FACETS.map((f) => [f, 1])), run_id: both.runId, top_k: 1, absent_because: null });
    expect(r.published).toEqual({ talent_to_job: { rank: 1, score: both.total }, job_to_talent: { rank: 1, score: both.total } });
    expect(Math.abs(r.overall.score_100! - both.total)).toBeLessThanOrEqual(0.01);
    // Only the facets both have, each rounded to 2 decimals like the published ones.
    expect(Object.keys(r.facets)).toEqual(['roles', 'skills']);
    FACETS.slice(0, 2).forEach((f, i) => expect(Math.abs(r.facets[f].score_100 - both.facets[i]!)).toBeLessThanOrEqual(0.01));
    for (const x of [r.overall.score_100!, r.facets.roles.score_100]) expect(Math.round(x * 100) / 100).toBe(x);
    const text = await explainText(t, { talentId: both.talent, jobId: both.job });
    expect(text).toContain(`talent_to_job: rank 1 (published score ${both.total.toFixed(2)})`);
    expect(text).toContain(`job_to_talent: rank 1 (published score ${both.total.toFixed(2)})`);
  });

  it("below the cut-off: the pair's score next to the talent's and the posting's k-th", async () => {
    const t1 = rows.find((r) => r.direction === 'talent_to_job' && r.talent === 1)!;
    const other = t1.job === 11 ? 12 : 11;
    const r = await explainJson(t, { talentId: 1, jobId: other });
    const jobKth = rows.find((x) => x.direction === 'job_to_talent' && x.job === other)!.total;
    expect(r.published.talent_to_job).toBeNull();
    expect(r.absent_because!.talent_to_job).toMatchObject({ rule: 'below_cutoff', score: r.overall.score_100, k: 1, talent_kth_score: t1.total, job_kth_score: jobKth });
    expect(r.absent_because!.talent_to_job!.message).toContain(`the 1st score of talent 1's list is ${t1.total.toFixed(2)}`);
  });

  it.each([
    [3, 'user_deleted', 'user 3 is soft-deleted'],
    [4, 'profile_missing', 'user 4 has no talent_profiles row'],
    [5, 'not_a_talent', 'user 5 has role "company", not "talent"'],
    [6, 'profile_deleted', "talent 6's profile is soft-deleted"],
    [7, 'no_embedding', 'talent 7 has no talent_embeddings row'],
    [8, 'no_usable_facet', 'talent 8 has an embedding but no facet the run can use: roles has 3 values, the run uses 4'],
    [999, 'user_missing', 'user 999 does not exist'],
  ])('talent %i not eligible: %s', async (talentId, detail, message) => {
    const why = await whyAbsent(t, talentId, 11);
    expect(why).toMatchObject({ rule: 'talent_not_eligible', detail });
    expect(why.message).toContain(message);
  });

  it.each([
    [13, 'status', 'job posting 13 has status DRAFT; the run matches PUBLISHED'],
    [14, 'deadline_passed', "job posting 14's deadline 2026-06-14 is before 2026-06-15, the date run"],
    [15, 'posting_deleted', 'job posting 15 is soft-deleted'],
    [16, 'no_embedding', 'job posting 16 has no job_embeddings row'],
    [17, 'no_usable_facet', 'roles is a zero or non-finite vector'],
    [999, 'posting_missing', 'job posting 999 does not exist'],
  ])('posting %i not eligible: %s', async (jobId, detail, message) => {
    const why = await whyAbsent(t, 1, jobId);
    expect(why).toMatchObject({ rule: 'job_not_eligible', detail });
    expect(why.message).toContain(message);
  });

  it('no shared facet with weight > 0: no score, the facets of each side', async () => {
    const r = await explainJson(t, { talentId: 9, jobId: 11 });
    expect(r.overall).toEqual({ score_100: null });
    expect(r.facets).toEqual({});
    expect(r.absent_because!.talent_to_job).toMatchObject({ rule: 'no_shared_facet', talent_facets: ['culture'], job_facets: ['roles', 'skills'] });
  });

  it('data changed since the run: a new vectors_hash, or an entity not in the snapshot', async () => {
    const unlisted = [11, 12, 13, 14].find((j) => !rows.some((r) => r.talent === 10 && r.job === j))!;
    expect(await whyAbsent(t, 10, unlisted)).toMatchObject({ rule: 'changed_since_run', detail: 'talent_changed', vectors_hash_now: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(await whyAbsent(t, 20, 11)).toMatchObject({ rule: 'changed_since_run', detail: 'talent_not_in_run' });
    const other = [1, 2].find((id) => !rows.some((r) => r.talent === id && r.job === 18))!;
    expect(await whyAbsent(t, other, 18)).toMatchObject({ rule: 'changed_since_run', detail: 'job_changed' });
  });

  it("--talent alone: its published list with facet scores; --job alone: the posting's", async () => {
    const own = rows.filter((r) => r.direction === 'talent_to_job' && r.talent === 1);
    const r = await explainJson<EntityReport>(t, { talentId: 1 });
    expect(r).toMatchObject({ talent_id: 1, top_k: 1, eligible: true, diagnosis: null });
    expect(r.results).toEqual(own.map((x) => ({ job_id: x.job, rank: x.rank, overall: { score_100: x.total }, facets: { roles: { score_100: x.facets[0] }, skills: { score_100: x.facets[1] } } })));
    const text = await explainText(t, { talentId: 1 });
    expect(text).toContain('  eligible and listed');
    expect(text).toMatch(new RegExp(`^ +1 +${own[0].job} +${own[0].total.toFixed(2)} `, 'm'));
    const j = await explainJson<EntityReport>(t, { jobId: 11 });
    expect(j.results.map((x) => x.talent_id)).toEqual(rows.filter((x) => x.direction === 'job_to_talent' && x.job === 11).map((x) => x.talent));
  });

  it('one side alone gets the same diagnosis: not eligible, changed since the run', async () => {
    expect(await explainJson<EntityReport>(t, { talentId: 3 })).toMatchObject({ eligible: false, diagnosis: { detail: 'user_deleted' }, results: [] });
    expect(await explainJson<EntityReport>(t, { jobId: 14 })).toMatchObject({ eligible: false, diagnosis: { detail: 'deadline_passed' } });
    expect(await explainJson<EntityReport>(t, { talentId: 20 })).toMatchObject({ eligible: true, diagnosis: { detail: 'talent_not_in_run' } });
    expect(await explainJson<EntityReport>(t, { talentId: 9 })).toMatchObject({ eligible: true, diagnosis: { rule: 'no_match' } });
    expect(await explainText(t, { jobId: 15 })).toContain('NOT ELIGIBLE: job posting 15 is soft-deleted');
  });

  it('needs at least one side (exit 2)', async () => {
    await expect(explain({}, jsonCtx(t))).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('fitmatch explain before anything is published', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('explain_none');
    await seedCompany(t, 900);
    await seedTalent(t, { id: 1, vecs: [[1, 0, 0, 0]] });
    await seedJob(t, { id: 11, companyId: 900, vecs: [[1, 0, 0, 0]] });
  });
  afterAll(async () => t?.drop());

  it('scores with the configured weights and says nothing is published', async () => {
    const r = await explainJson(t, { talentId: 1, jobId: 11 });
    expect(r).toMatchObject({ overall: { score_100: 100 }, facets: { roles: { score_100: 100 } }, run_id: null, top_k: null });
    expect(r.absent_because!.talent_to_job).toMatchObject({ rule: 'nothing_published' });
  });

  it('a shared facet of weight 0 has a facet score but gives no overall score (as the app)', async () => {
    let out = '';
    await explain({ talentId: 1, jobId: 11, json: true, write: (x) => (out += x) }, jsonCtx(t, { flags: { weights: 'roles=0' } }));
    expect(JSON.parse(out)).toMatchObject({ weights: { roles: 0, skills: 1 }, overall: { score_100: null }, facets: { roles: { score_100: 100 } } });
  });
});

describe('fitmatch explain on a ladder of near-ties (issue 22)', () => {
  // 240 postings 0.9e-6 apart in cosine (4.5e-5 in score_100), the higher scores
  // on the larger ids: 80.00 … 80.01. Chained into one tie group ordered by id,
  // the 32 lowest (all 80.00) were listed; by exact score the 32 highest are.
  let t: TestDatabase;
  const rungs = 240;
  const topK = 32;
  beforeAll(async () => {
    t = await createTestDatabase('explain_ladder');
    const c = await seedCompany(t, 900);
    await seedTalent(t, { id: 1, vecs: [[1, 0, 0, 0]] });
    for (let i = 0; i < rungs; i++) {
      const cos = 0.6 + 0.9e-6 * i;
      await seedJob(t, { id: 101 + i, companyId: c, vecs: [[cos, Math.sqrt(1 - cos * cos), 0, 0]] });
    }
    await match({}, matchCtx(t, { topK: String(topK) }, CRON_AT));
  });
  afterAll(async () => t?.drop());

  it('lists the 32 highest rungs, all 80.01, none of the 80.00 ones', async () => {
    const listed = (await publishedRows(t)).filter((r) => r.direction === 'talent_to_job' && r.talent === 1);
    expect(listed.map((r) => r.job).sort((a, b) => a - b)).toEqual(Array.from({ length: topK }, (_, i) => 101 + rungs - topK + i));
    expect(new Set(listed.map((r) => r.total))).toEqual(new Set([80.01]));
  });

  it('explains a left-out 80.01 by exact scores, and a left-out 80.00 by the cut-off', async () => {
    const sameCent = await explainJson(t, { talentId: 1, jobId: 101 + 150 });
    expect(sameCent.published.talent_to_job).toBeNull();
    expect(sameCent.absent_because!.talent_to_job).toMatchObject({ rule: 'below_cutoff', score: 80.01, talent_kth_score: 80.01 });
    expect(sameCent.absent_because!.talent_to_job!.message).toContain('lists are decided by exact scores');
    const lower = await explainJson(t, { talentId: 1, jobId: 101 });
    expect(lower.absent_because!.talent_to_job).toMatchObject({ rule: 'below_cutoff', score: 80, talent_kth_score: 80.01 });
  });
});
