import { listBefore } from '../engine/listRows.js';
import { FACETS, facetBit } from '../facets.js';
import type { Eligibility } from '../engine/eligibility.js';
import { formatScore } from '../engine/scoreCents.js';

/** A facet the stored embedding has but the run cannot use. */
export interface UnusableFacet {
  facet: string;
  why: 'wrong_dim' | 'invalid_vector';
  /** wrong_dim: the stored length and the run's. */
  stored?: number;
  run?: number;
}

export interface EmbeddingFacts {
  vectorsHash: string;
  /** facet_mask as stored: 0 excludes the entity in SQL already. */
  facetMask: number;
  /** Facets the run can use: stored length equals the run's, finite and non-zero (what the match reader keeps). */
  usableMask: number;
  /** facet_dims and the blob disagree: nothing of the row is read. */
  unreadable: boolean;
  unusable: UnusableFacet[];
}

/** The entity in the published run's snapshot; null when the snapshot is not available. */
export interface SnapshotFacts {
  inSnapshot: boolean;
  /** Its vectors_hash when the run started. */
  vectorsHash: string | null;
}

export interface TalentFacts {
  id: number;
  user: { role: string; deleted: boolean } | null;
  profile: { deleted: boolean } | null;
  embedding: EmbeddingFacts | null;
  snapshot: SnapshotFacts | null;
}

export interface JobFacts {
  id: number;
  /** deadline: YYYY-MM-DD or null. */
  posting: { status: string; deadline: string | null; deleted: boolean } | null;
  embedding: EmbeddingFacts | null;
  snapshot: SnapshotFacts | null;
}

export type Rule = 'nothing_published' | 'talent_not_eligible' | 'job_not_eligible' | 'no_shared_facet' | 'changed_since_run' | 'below_cutoff' | 'no_match' | 'unexplained';

/** Why a pair or an entity is not in the published results: the rule, which check of it, a sentence, and the facts it rests on. */
export interface Reason {
  rule: Rule;
  detail?: string;
  message: string;
  [fact: string]: unknown;
}

export interface RunRef {
  runId: number;
  topK: number;
}

const facetNames = (mask: number) => FACETS.filter((_, f) => mask & facetBit(f));
const list = (mask: number) => facetNames(mask).join(', ') || 'none';

function unusableFacet(kind: string, id: number, e: EmbeddingFacts): Reason {
  const why = e.facetMask === 0
    ? 'its facet_mask is 0 (no facet was stored)'
    : e.unreadable
      ? 'its vectors blob does not match its facet_dims (unreadable row)'
      : e.unusable.map((u) => (u.why === 'wrong_dim' ? `${u.facet} has ${u.stored} values, the run uses ${u.run}` : `${u.facet} is a zero or non-finite vector`)).join('; ');
  return { rule: kind === 'talent' ? 'talent_not_eligible' : 'job_not_eligible', detail: 'no_usable_facet', message: `${kind} ${id} has an embedding but no facet the run can use: ${why}`, unusable: e.unusable };
}

/** "…; it was eligible when run N started": an entity in the snapshot that is excluded now changed since. */
function sinceRun(r: Reason, snapshot: SnapshotFacts | null, run: RunRef | null): Reason {
  if (!snapshot?.inSnapshot || !run) return r;
  return { ...r, eligible_at_run: true, message: `${r.message} (it was eligible when run ${run.runId} started: this changed since, and the next run drops it)` };
}

/** The first eligibility rule that excludes the talent, or null when it is eligible. Order: user (exists, role, deleted), profile, embedding, facets. */
export function talentExclusion(t: TalentFacts, e: Eligibility, run: RunRef | null): Reason | null {
  const no = (detail: string, message: string): Reason => sinceRun({ rule: 'talent_not_eligible', detail, message }, t.snapshot, run);
  if (!t.user) return no('user_missing', `user ${t.id} does not exist`);
  if (t.user.role !== 'talent') return no('not_a_talent', `user ${t.id} has role "${t.user.role}", not "talent"`);
  if (t.user.deleted && !e.includeDeleted) return no('user_deleted', `user ${t.id} is soft-deleted (users.deleted_at is set)`);
  if (!t.profile) return no('profile_missing', `user ${t.id} has no talent_profiles row`);
  if (t.profile.deleted && !e.includeDeleted) return no('profile_deleted', `talent ${t.id}'s profile is soft-deleted (talent_profiles.deleted_at is set)`);
  if (!t.embedding) return no('no_embedding', `talent ${t.id} has no talent_embeddings row (backfill found no usable source for it)`);
  if (t.embedding.facetMask === 0 || t.embedding.usableMask === 0) return sinceRun(unusableFacet('talent', t.id, t.embedding), t.snapshot, run);
  return null;
}

/** The first eligibility rule that excludes the posting, or null. Order: row, status, deadline, deleted, embedding, facets. */
export function jobExclusion(j: JobFacts, e: Eligibility, run: RunRef | null): Reason | null {
  const no = (detail: string, message: string, facts: Record<string, unknown> = {}): Reason => sinceRun({ rule: 'job_not_eligible', detail, message, ...facts }, j.snapshot, run);
  if (!j.posting) return no('posting_missing', `job posting ${j.id} does not exist`);
  const p = j.posting;
  if (!e.jobStatuses.includes(p.status)) return no('status', `job posting ${j.id} has status ${p.status}; the run matches ${e.jobStatuses.join(', ')}`, { status: p.status, job_statuses: e.jobStatuses });
  if (!e.includeExpired && p.deadline !== null && p.deadline < e.today) {
    const against = run ? `the date run ${run.runId} compared deadlines with` : 'today';
    return no('deadline_passed', `job posting ${j.id}'s deadline ${p.deadline} is before ${e.today}, ${against} (${e.timezone})`, { deadline: p.deadline, compared_with: e.today, timezone: e.timezone });
  }
  if (p.deleted && !e.includeDeleted) return no('posting_deleted', `job posting ${j.id} is soft-deleted (job_postings.deleted_at is set)`);
  if (!j.embedding) return no('no_embedding', `job posting ${j.id} has no job_embeddings row (backfill found no usable source for it)`);
  if (j.embedding.facetMask === 0 || j.embedding.usableMask === 0) return sinceRun(unusableFacet('job posting', j.id, j.embedding), j.snapshot, run);
  return null;
}

/** An eligible entity whose stored embedding is not what the run computed with; null when unchanged or unknown (no snapshot). */
export function changeSinceRun(kind: 'talent' | 'job posting', id: number, embedding: EmbeddingFacts, snapshot: SnapshotFacts | null, run: RunRef | null): Reason | null {
  if (!snapshot || !run) return null;
  if (!snapshot.inSnapshot) {
    return {
      rule: 'changed_since_run',
      detail: kind === 'talent' ? 'talent_not_in_run' : 'job_not_in_run',
      message: `${kind} ${id} was not in run ${run.runId}'s snapshot (not eligible, or without an embedding, when the run started); it is eligible now, so the next run includes it`,
    };
  }
  if (snapshot.vectorsHash?.toLowerCase() !== embedding.vectorsHash.toLowerCase()) {
    return {
      rule: 'changed_since_run',
      detail: kind === 'talent' ? 'talent_changed' : 'job_changed',
      message: `${kind} ${id}'s embedding changed since run ${run.runId} started (vectors_hash ${snapshot.vectorsHash} then, ${embedding.vectorsHash} now): the published lists were computed from the old vectors`,
      vectors_hash_at_run: snapshot.vectorsHash,
      vectors_hash_now: embedding.vectorsHash,
    };
  }
  return null;
}

export interface PairFacts {
  run: RunRef | null;
  eligibility: Eligibility;
  weights: readonly number[];
  talent: TalentFacts;
  job: JobFacts;
  /** The pair's score_100 recomputed from the stored embeddings, rounded to 2 decimals; null without a shared facet of weight > 0. */
  score: number | null;
  placement: { talent_to_job: { rank: number; score: number } | null; job_to_talent: { rank: number; score: number } | null };
  /** The published score at rank k of the talent's and the posting's list; null when the list is shorter than k. */
  kth: { talent: number | null; job: number | null };
  /**
   * Where the pair's 2-decimal score equals the k-th's: its exact score (the
   * weighted mean cosine) and, per direction, the listed candidate that comes
   * last in list order among those showing the same 2-decimal score, with its
   * exact score recomputed. Membership is decided by exact scores (ties only
   * when bit-equal, then the smaller id), so 2 decimals alone cannot tell.
   */
  exact?: { mean: number; lastAtScore: Partial<Record<Direction, { id: number; mean: number }>> };
}

export type Direction = 'talent_to_job' | 'job_to_talent';
export type PairVerdict = Record<Direction, Reason | null>;

/**
 * Why the pair is absent from each direction of the published results (null
 * where it is there): the first rule that excludes it, in this order: nothing
 * published, the talent's eligibility, the posting's, no shared facet with
 * weight > 0, data changed since the run, below the cut-off. A change comes
 * before the cut-off because the recomputed score is then not the score the
 * run compared.
 */
export function pairVerdict(p: PairFacts): PairVerdict {
  const absent = (['talent_to_job', 'job_to_talent'] as const).filter((d) => !p.placement[d]);
  const verdict: PairVerdict = { talent_to_job: null, job_to_talent: null };
  const all = (r: Reason) => {
    for (const d of absent) verdict[d] = r;
    return verdict;
  };
  if (!absent.length) return verdict;
  if (!p.run) return all({ rule: 'nothing_published', message: 'nothing has been published yet (match_published is empty)' });
  const excluded = talentExclusion(p.talent, p.eligibility, p.run) ?? jobExclusion(p.job, p.eligibility, p.run);
  if (excluded) return all(excluded);
  const t = p.talent.embedding!;
  const j = p.job.embedding!;
  const positive = p.weights.reduce((m, w, f) => (w > 0 ? m | facetBit(f) : m), 0);
  const shared = t.usableMask & j.usableMask;
  if ((shared & positive) === 0) {
    const weights = Object.fromEntries(FACETS.map((f, i) => [f, p.weights[i]]));
    const zero = shared ? `; the shared ${list(shared)} ${facetNames(shared).length === 1 ? 'has' : 'have'} weight 0` : '';
    return all({
      rule: 'no_shared_facet',
      message: `talent ${p.talent.id} has ${list(t.usableMask)}, job posting ${p.job.id} has ${list(j.usableMask)}: no facet both have with weight > 0${zero}`,
      talent_facets: facetNames(t.usableMask),
      job_facets: facetNames(j.usableMask),
      weights,
    });
  }
  const changed = changeSinceRun('talent', p.talent.id, t, p.talent.snapshot, p.run) ?? changeSinceRun('job posting', p.job.id, j, p.job.snapshot, p.run);
  if (changed) return all(changed);
  for (const d of absent) verdict[d] = cutoff(p, d);
  return verdict;
}

const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;

const score = (x: number | null) => (x === null ? '-' : formatScore(x));

function cutoff(p: PairFacts, d: Direction): Reason {
  const k = p.run!.topK;
  const talent = `talent ${p.talent.id}`;
  const job = `job posting ${p.job.id}`;
  const [subject, other, kth, otherKth] = d === 'talent_to_job' ? [talent, job, p.kth.talent, p.kth.job] : [job, talent, p.kth.job, p.kth.talent];
  const facts = { score: p.score, k, talent_kth_score: p.kth.talent, job_kth_score: p.kth.job };
  const otherSide = `(${other}'s ${ordinal(k)}: ${otherKth === null ? 'its list is shorter than k' : score(otherKth)})`;
  if (kth !== null && p.score !== null && p.score < kth) {
    return { rule: 'below_cutoff', message: `below the cut-off: the pair scores ${score(p.score)}, the ${ordinal(k)} score of ${subject}'s list is ${score(kth)} ${otherSide}`, ...facts };
  }
  const last = p.exact?.lastAtScore[d];
  if (kth !== null && p.score === kth && p.exact && last) {
    const pairId = d === 'talent_to_job' ? p.job.id : p.talent.id;
    const lastName = `${d === 'talent_to_job' ? 'job posting' : 'talent'} ${last.id}`;
    const exact = (m: number) => ((m + 1) * 50).toFixed(8);
    if (listBefore(last.mean, last.id, p.exact.mean, pairId)) {
      const how = last.mean === p.exact.mean ? `the same exact score ${exact(last.mean)}, and ties go to the smaller id` : `its exact score ${exact(last.mean)} is above the pair's ${exact(p.exact.mean)}`;
      return {
        rule: 'below_cutoff',
        message: `below the cut-off: the pair scores ${score(p.score)}, the same as the ${ordinal(k)} score of ${subject}'s list at 2 decimals; lists are decided by exact scores, and ${lastName}, listed, comes first: ${how} ${otherSide}`,
        ...facts,
        exact_score: exact(p.exact.mean),
        listed_exact_score: exact(last.mean),
      };
    }
    return {
      rule: 'unexplained',
      message: `no rule explains the absence: the pair's exact score ${exact(p.exact.mean)} comes before listed ${lastName}'s ${exact(last.mean)}; if the next run does not list it either, report it`,
      ...facts,
    };
  }
  const why = kth === null ? `${subject}'s list is shorter than ${k}, so every scoreable candidate should be in it` : `the pair scores ${score(p.score)}, not below the ${ordinal(k)} score ${score(kth)} of ${subject}'s list`;
  return { rule: 'unexplained', message: `no rule explains the absence: ${why}; if the next run does not list it either, report it`, ...facts };
}

/**
 * Why one entity is not (or will not stay) in the published lists: its first
 * eligibility rule, a change since the run, or, eligible and unchanged with an
 * empty list, that no candidate shares a facet of weight > 0 with it (the run
 * lists every scoreable candidate up to k). Null: eligible, unchanged, listed.
 */
export function entityDiagnosis(
  e: { kind: 'talent'; facts: TalentFacts } | { kind: 'job'; facts: JobFacts },
  eligibility: Eligibility,
  run: RunRef | null,
  listLength: number,
): Reason | null {
  if (!run) return { rule: 'nothing_published', message: 'nothing has been published yet (match_published is empty)' };
  const label = e.kind === 'talent' ? 'talent' : 'job posting';
  const excluded = e.kind === 'talent' ? talentExclusion(e.facts, eligibility, run) : jobExclusion(e.facts, eligibility, run);
  if (excluded) return excluded;
  const changed = changeSinceRun(label, e.facts.id, e.facts.embedding!, e.facts.snapshot, run);
  if (changed) return changed;
  if (listLength > 0) return null;
  const other = e.kind === 'talent' ? 'eligible job posting' : 'eligible talent';
  return { rule: 'no_match', message: `${label} ${e.facts.id} is eligible and unchanged since run ${run.runId}, but no ${other} shares a facet of weight > 0 with it (it has ${list(e.facts.embedding!.usableMask)})` };
}
