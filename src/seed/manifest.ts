import { DIRTY_KINDS, type DirtyKind } from './dirty.js';
import { emptyPayloadStats, type PayloadStats } from './payloads.js';
import type { SeedTable } from './tables.js';

export interface DirtyCase {
  /** matching_vectors.id of the row carrying the case (for duplicates: the losing, older row). */
  vectorRowId: number;
  /** users.id for talent cases and company_vector_without_posting, job_postings.id for posting cases. */
  entityId: number;
  facet?: string;
}

export interface DirtySummary {
  count: number;
  /** Every affected entity id, in generation order. */
  entityIds: number[];
  examples: DirtyCase[];
}

/**
 * What a seed run wrote: row counts, the status/deadline/soft-delete cases, the
 * payload shapes, every dirty case with ids, and what a correct backfill should import.
 * Dirty cases are only put on live entities (user, profile and posting not soft-deleted),
 * so each is visible to a backfill that ignores soft-deleted rows.
 */
export interface SeedManifest {
  seed: number;
  dim: number;
  /** The clock's date (in the seed's timezone) that past/today/future deadlines are relative to. */
  today: string;
  sizes: { talents: number; jobs: number; companies: number };
  rows: Record<SeedTable, number>;
  idRanges: { talentUserIds: [number, number]; companyUserIds: [number, number]; jobPostingIds: [number, number] };
  statuses: Record<'PUBLISHED' | 'DRAFT' | 'CLOSED' | 'ARCHIVED', number>;
  deadlines: Record<'past' | 'today' | 'future' | 'none', number>;
  softDeleted: { users: number; talentProfiles: number; jobPostings: number };
  talentsWithoutProfile: number;
  talentsWithoutVectors: number;
  jobsWithoutVectors: number;
  payloads: PayloadStats;
  dirty: Record<DirtyKind, DirtySummary>;
  expected: {
    /** Live talents whose winning matching_vectors row has at least one valid facet. */
    talentEmbeddings: number;
    /** Live postings (any status) with an owner-matching row with at least one valid facet. */
    jobEmbeddings: number;
    /** Of those, PUBLISHED with deadline NULL or >= today: the postings a default match considers. */
    eligibleJobs: number;
  };
  timings?: { totalMs: number; bytesWritten: number; statements: number };
}

const EXAMPLES = 5;

export function emptyManifest(seed: number, dim: number, today: string, sizes: SeedManifest['sizes']): SeedManifest {
  return {
    seed,
    dim,
    today,
    sizes,
    rows: { users: 0, companies: 0, job_postings: 0, job_posting_cards: 0, talent_profiles: 0, experiences: 0, educations: 0, activities: 0, certifications: 0, talent_cards: 0, matching_vectors: 0 },
    idRanges: { talentUserIds: [0, -1], companyUserIds: [0, -1], jobPostingIds: [0, -1] },
    statuses: { PUBLISHED: 0, DRAFT: 0, CLOSED: 0, ARCHIVED: 0 },
    deadlines: { past: 0, today: 0, future: 0, none: 0 },
    softDeleted: { users: 0, talentProfiles: 0, jobPostings: 0 },
    talentsWithoutProfile: 0,
    talentsWithoutVectors: 0,
    jobsWithoutVectors: 0,
    payloads: emptyPayloadStats(),
    dirty: Object.fromEntries(DIRTY_KINDS.map((k) => [k, { count: 0, entityIds: [], examples: [] }])) as unknown as Record<DirtyKind, DirtySummary>,
    expected: { talentEmbeddings: 0, jobEmbeddings: 0, eligibleJobs: 0 },
  };
}

export function recordDirty(m: SeedManifest, kind: DirtyKind, c: DirtyCase): void {
  const d = m.dirty[kind];
  d.count++;
  d.entityIds.push(c.entityId);
  if (d.examples.length < EXAMPLES) d.examples.push(c);
}

/** One line per kind, for the log: "wrong_dim 9 (e.g. talent 2043, 2265)". */
export function dirtyLines(m: SeedManifest): string[] {
  return DIRTY_KINDS.map((k) => {
    const d = m.dirty[k];
    const eg = d.examples.map((e) => e.entityId).join(', ');
    return `${k.padEnd(32)} ${String(d.count).padStart(6)}${eg ? `  e.g. id ${eg}` : ''}`;
  });
}
