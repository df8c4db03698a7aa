import { describe, expect, it } from 'vitest';
import { changeSinceRun, entityDiagnosis, jobExclusion, pairVerdict, talentExclusion, type EmbeddingFacts, type JobFacts, type PairFacts, type TalentFacts } from '../../src/explain/pairVerdict.js';
import type { Eligibility } from '../../src/engine/eligibility.js';

const E: Eligibility = { jobStatuses: ['PUBLISHED'], includeExpired: false, includeDeleted: false, today: '2026-06-15', timezone: 'Asia/Seoul' };
const RUN = { runId: 12, topK: 2 };
const emb = (usableMask = 0b11, o: Partial<EmbeddingFacts> = {}): EmbeddingFacts => ({ vectorsHash: 'aaaaaaaaaaaaaaaa', facetMask: usableMask, usableMask, unreadable: false, unusable: [], ...o });
const talent = (o: Partial<TalentFacts> = {}): TalentFacts => ({
  id: 1,
  user: { role: 'talent', deleted: false },
  profile: { deleted: false },
  embedding: emb(),
  snapshot: { inSnapshot: true, vectorsHash: 'aaaaaaaaaaaaaaaa' },
  ...o,
});
const job = (o: Partial<JobFacts> = {}): JobFacts => ({
  id: 11,
  posting: { status: 'PUBLISHED', deadline: null, deleted: false },
  embedding: emb(),
  snapshot: { inSnapshot: true, vectorsHash: 'aaaaaaaaaaaaaaaa' },
  ...o,
});
const pair = (o: Partial<PairFacts> = {}): PairFacts => ({
  run: RUN,
  eligibility: E,
  weights: [1, 1, 1, 1, 1, 1],
  talent: talent(),
  job: job(),
  score: 60,
  placement: { talent_to_job: null, job_to_talent: null },
  kth: { talent: 70, job: 65 },
  ...o,
});
const detail = (r: { detail?: string } | null) => r?.detail ?? null;

describe('talent eligibility: the first rule that excludes', () => {
  it.each([
    ['user_missing', { user: null }],
    ['not_a_talent', { user: { role: 'company', deleted: true } }],
    ['user_deleted', { user: { role: 'talent', deleted: true }, profile: null }],
    ['profile_missing', { profile: null }],
    ['profile_deleted', { profile: { deleted: true }, embedding: null }],
    ['no_embedding', { embedding: null }],
    ['no_usable_facet', { embedding: emb(0) }],
  ] as [string, Partial<TalentFacts>][])('%s', (expected, o) => {
    expect(detail(talentExclusion(talent(o), E, RUN))).toBe(expected);
  });

  it('keeps soft-deleted talents with --include-deleted, and says which facets are unusable', () => {
    expect(talentExclusion(talent({ user: { role: 'talent', deleted: true }, profile: { deleted: true } }), { ...E, includeDeleted: true }, RUN)).toBeNull();
    const r = talentExclusion(talent({ embedding: emb(0, { facetMask: 0b10001, unusable: [{ facet: 'roles', why: 'wrong_dim', stored: 3, run: 8 }, { facet: 'vision', why: 'invalid_vector' }] }) }), E, RUN);
    expect(r?.message).toMatch(/^talent 1 has an embedding but no facet the run can use: roles has 3 values, the run uses 8; vision is a zero or non-finite vector/);
    expect(talentExclusion(talent({ embedding: emb(0, { facetMask: 0 }) }), E, RUN)?.message).toContain('its facet_mask is 0');
  });

  it('says when an excluded talent was eligible at the run (in its snapshot)', () => {
    expect(talentExclusion(talent({ user: { role: 'talent', deleted: true } }), E, RUN)).toMatchObject({ eligible_at_run: true, message: expect.stringContaining('it was eligible when run 12 started') });
    expect(talentExclusion(talent({ user: { role: 'talent', deleted: true }, snapshot: { inSnapshot: false, vectorsHash: null } }), E, RUN)).not.toHaveProperty('eligible_at_run');
  });
});

describe('posting eligibility', () => {
  it.each([
    ['posting_missing', { posting: null }],
    ['status', { posting: { status: 'CLOSED', deadline: '2020-01-01', deleted: true } }],
    ['deadline_passed', { posting: { status: 'PUBLISHED', deadline: '2026-06-14', deleted: true } }],
    ['posting_deleted', { posting: { status: 'PUBLISHED', deadline: '2026-06-15', deleted: true }, embedding: null }],
    ['no_embedding', { embedding: null }],
    ['no_usable_facet', { embedding: emb(0, { facetMask: 1, unreadable: true }) }],
  ] as [string, Partial<JobFacts>][])('%s', (expected, o) => {
    expect(detail(jobExclusion(job(o), E, RUN))).toBe(expected);
  });

  it('names the date a deadline was compared with; widened rules keep the posting', () => {
    const r = jobExclusion(job({ posting: { status: 'PUBLISHED', deadline: '2026-06-14', deleted: false } }), E, RUN);
    expect(r).toMatchObject({ deadline: '2026-06-14', compared_with: '2026-06-15', timezone: 'Asia/Seoul' });
    expect(r?.message).toBe("job posting 11's deadline 2026-06-14 is before 2026-06-15, the date run 12 compared deadlines with (Asia/Seoul) (it was eligible when run 12 started: this changed since, and the next run drops it)");
    expect(jobExclusion(job({ posting: { status: 'CLOSED', deadline: '2026-06-14', deleted: true } }), { ...E, jobStatuses: ['CLOSED'], includeExpired: true, includeDeleted: true }, RUN)).toBeNull();
  });
});

describe('pair verdict', () => {
  it('is null both ways for a pair listed in both directions', () => {
    expect(pairVerdict(pair({ placement: { talent_to_job: { rank: 1, score: 80 }, job_to_talent: { rank: 2, score: 80 } } }))).toEqual({ talent_to_job: null, job_to_talent: null });
  });

  it('applies the rules in order: nothing published, talent, posting, shared facet, change, cut-off', () => {
    const bad = { talent: talent({ embedding: null }), job: job({ posting: null }) };
    expect(pairVerdict(pair({ ...bad, run: null })).talent_to_job?.rule).toBe('nothing_published');
    expect(pairVerdict(pair(bad)).job_to_talent?.detail).toBe('no_embedding');
    expect(pairVerdict(pair({ job: job({ posting: null }) })).talent_to_job?.detail).toBe('posting_missing');
    const disjoint = { talent: talent({ embedding: emb(0b01), snapshot: { inSnapshot: false, vectorsHash: null } }), job: job({ embedding: emb(0b10) }) };
    expect(pairVerdict(pair(disjoint)).talent_to_job).toMatchObject({ rule: 'no_shared_facet', talent_facets: ['roles'], job_facets: ['skills'] });
    expect(pairVerdict(pair({ talent: talent({ snapshot: { inSnapshot: false, vectorsHash: null } }) })).job_to_talent?.detail).toBe('talent_not_in_run');
    expect(pairVerdict(pair({ job: job({ embedding: emb(0b11, { vectorsHash: 'bbbbbbbbbbbbbbbb' }) }) })).talent_to_job).toMatchObject({ detail: 'job_changed', vectors_hash_at_run: 'aaaaaaaaaaaaaaaa', vectors_hash_now: 'bbbbbbbbbbbbbbbb' });
    expect(pairVerdict(pair()).talent_to_job).toMatchObject({ rule: 'below_cutoff', score: 60, k: 2, talent_kth_score: 70, job_kth_score: 65 });
  });

  it('a shared facet of weight 0 is no shared facet', () => {
    const r = pairVerdict(pair({ talent: talent({ embedding: emb(0b011) }), job: job({ embedding: emb(0b110) }), weights: [1, 0, 1, 1, 1, 1] })).talent_to_job;
    expect(r?.rule).toBe('no_shared_facet');
    expect(r?.message).toBe('talent 1 has roles, skills, job posting 11 has skills, growth: no facet both have with weight > 0; the shared skills has weight 0');
  });

  it('judges the cut-off per direction, with both k-th scores', () => {
    const v = pairVerdict(pair({ score: 64, kth: { talent: 62, job: 65 }, placement: { talent_to_job: { rank: 2, score: 64 }, job_to_talent: null } }));
    expect(v.talent_to_job).toBeNull();
    expect(v.job_to_talent?.message).toBe("below the cut-off: the pair scores 64.00, the 2nd score of job posting 11's list is 65.00 (talent 1's 2nd: 62.00)");
  });

  it('the same 2-decimal score as the k-th is decided by exact scores (ties only when bit-equal, then the smaller id)', () => {
    const at70 = (listed: { id: number; mean: number }, mean: number) => pairVerdict(pair({ score: 70, exact: { mean, lastAtScore: { talent_to_job: listed } } })).talent_to_job;
    const below = at70({ id: 12, mean: 0.40003 }, 0.40001);
    expect(below).toMatchObject({ rule: 'below_cutoff', exact_score: '70.00050000', listed_exact_score: '70.00150000' });
    expect(below?.message).toContain('lists are decided by exact scores, and job posting 12, listed, comes first');
    // The pair is job posting 11.
    expect(at70({ id: 10, mean: 0.4 }, 0.4)?.message).toContain('ties go to the smaller id');
    expect(at70({ id: 12, mean: 0.4 }, 0.4)?.rule).toBe('unexplained');
    expect(at70({ id: 12, mean: 0.40001 }, 0.40003)?.rule).toBe('unexplained');
    // Without exact scores (the pair has no listed peer at its 2-decimal score) 2 decimals cannot tell.
    expect(pairVerdict(pair({ score: 70 })).talent_to_job?.rule).toBe('unexplained');
  });

  it('a lower k-th score is below the cut-off; a full list with a better score or a short list is unexplained', () => {
    expect(pairVerdict(pair({ score: 71 })).talent_to_job?.rule).toBe('unexplained');
    expect(pairVerdict(pair({ kth: { talent: null, job: null } })).job_to_talent?.message).toContain("job posting 11's list is shorter than 2");
  });

  it('without a snapshot, changes cannot be told and the cut-off decides', () => {
    expect(changeSinceRun('talent', 1, emb(), null, RUN)).toBeNull();
    expect(pairVerdict(pair({ talent: talent({ snapshot: null }) })).talent_to_job?.rule).toBe('below_cutoff');
  });
});

describe('one entity', () => {
  it('is fine when listed, no_match when eligible and unchanged but unlisted, else the first rule', () => {
    expect(entityDiagnosis({ kind: 'talent', facts: talent() }, E, RUN, 2)).toBeNull();
    expect(entityDiagnosis({ kind: 'job', facts: job() }, E, RUN, 0)).toMatchObject({ rule: 'no_match', message: 'job posting 11 is eligible and unchanged since run 12, but no eligible talent shares a facet of weight > 0 with it (it has roles, skills)' });
    expect(entityDiagnosis({ kind: 'job', facts: job({ embedding: emb(0b11, { vectorsHash: 'cccccccccccccccc' }) }) }, E, RUN, 2)?.detail).toBe('job_changed');
    expect(entityDiagnosis({ kind: 'talent', facts: talent({ profile: null }) }, E, RUN, 0)?.detail).toBe('profile_missing');
    expect(entityDiagnosis({ kind: 'talent', facts: talent() }, E, null, 0)?.rule).toBe('nothing_published');
  });
});
