import { makeCentroids, type Centroids } from './centroids.js';
import { CULTURES } from './clusters.js';
import { DirtySpreader, JOB_DIRTY_KINDS, TALENT_DIRTY_KINDS, type DirtyKind } from './dirty.js';
import { JsonWriter } from './jsonWriter.js';
import { emptyManifest, type SeedManifest } from './manifest.js';
import { mix } from './rng.js';
import type { IdTable } from './tables.js';
import { ymdIn } from './time.js';

export interface GenOptions {
  seed: number;
  dim: number;
  talents: number;
  jobs: number;
  companies: number;
  /** Share (0..1) of live entities that get a dirty case. */
  dirty: number;
  now: Date;
  /** IANA zone whose date is "today" for deadlines (match's eligibility uses the same setting). */
  timezone: string;
}

/** Reserved domain (RFC 2606 .invalid): a users row is seed data exactly when its email ends with this. */
export const SEED_EMAIL_DOMAIN = 'seed.fitmatch.invalid';

/**
 * Everything generation carries from one entity to the next: id counters, dirty
 * spreaders, the manifest and reusable buffers. Ids of users, companies and postings
 * are a function of the entity index; other tables count up in generation order.
 */
export class GenState {
  readonly centroids: Centroids;
  readonly manifest: SeedManifest;
  readonly writer = new JsonWriter();
  readonly scratch: Float32Array;
  readonly today: string;
  readonly talentDirty: DirtySpreader<DirtyKind>;
  readonly jobDirty: DirtySpreader<DirtyKind>;
  readonly companyDirty: DirtySpreader<'company_vector_without_posting'>;
  private readonly next: Record<IdTable, number>;

  constructor(
    readonly opts: GenOptions,
    private readonly bases: Record<IdTable, number>,
  ) {
    this.centroids = makeCentroids(opts.seed, opts.dim);
    this.scratch = new Float32Array(opts.dim);
    this.today = ymdIn(opts.now, opts.timezone);
    this.manifest = emptyManifest(opts.seed, opts.dim, this.today, { talents: opts.talents, jobs: opts.jobs, companies: opts.companies });
    this.next = { ...bases };
    this.talentDirty = new DirtySpreader(opts.dirty, TALENT_DIRTY_KINDS);
    this.jobDirty = new DirtySpreader(opts.dirty, opts.companies > 1 ? JOB_DIRTY_KINDS : JOB_DIRTY_KINDS.filter((k) => k !== 'posting_of_other_company'));
    // At least one company-level case whenever dirty > 0, even with few companies.
    this.companyDirty = new DirtySpreader(opts.dirty > 0 ? Math.max(opts.dirty, 1 / Math.max(1, opts.companies)) : 0, ['company_vector_without_posting']);
    const m = this.manifest.idRanges;
    m.companyUserIds = [this.companyUserId(0), this.companyUserId(opts.companies - 1)];
    m.talentUserIds = [this.talentUserId(0), this.talentUserId(opts.talents - 1)];
    m.jobPostingIds = [this.postingId(0), this.postingId(opts.jobs - 1)];
  }

  companyUserId = (c: number): number => this.bases.users + c;
  talentUserId = (t: number): number => this.bases.users + this.opts.companies + t;
  companyId = (c: number): number => this.bases.companies + c;
  postingId = (j: number): number => this.bases.job_postings + j;
  /** A company's culture drives its postings' vision/culture facets. */
  companyCulture = (c: number): number => mix(this.opts.seed, c, 0xc0) % CULTURES.length;

  /** A DATE column value in the configured zone. */
  date = (d: Date): string => ymdIn(d, this.opts.timezone);

  /** The next id of a table whose ids follow generation order. */
  id(table: IdTable): number {
    return this.next[table]++;
  }
}
