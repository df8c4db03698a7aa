import type { Pool } from '../store/sql.js';
import type { CommandContext } from '../context.js';
import { ExitCode, FitmatchError, messageOf } from '../errors.js';
import { FACETS } from '../facets.js';
import { resultsOf, type EntityReport, type PairReport, formatEntityReport, formatPairReport, round2, weightsOf } from '../explain/explainReport.js';
import { entityDiagnosis, jobExclusion, pairVerdict, talentExclusion, type RunRef } from '../explain/pairVerdict.js';
import { readJobFacts, readTalentFacts } from '../explain/readFacts.js';
import { kthScore, pairPlacement, publishedList } from '../store/readPlacement.js';
import { loadSnapshot } from '../runs/createRun.js';
import { resolveEligibility, type Eligibility } from '../engine/eligibility.js';
import { readPublishedState } from '../store/resultTables.js';
import { matchRunById } from '../store/runStore.js';
import { scorePair } from '../engine/scorePair.js';
import { listBefore } from '../engine/listRows.js';
import type { RunSnapshot } from '../engine/snapshotCodec.js';
import { detectFacetDims } from '../store/vectorReader.js';
import { assertMigrated } from '../migrate/migrator.js';
import { redact } from '../redact.js';

export interface ExplainOptions {
  talentId?: number;
  jobId?: number;
  json?: boolean;
  write?: (text: string) => void;
}

/** The published run as explain judges by it: its weights, dims, eligibility rules and snapshot. */
interface Published {
  run: RunRef | null;
  publishedAt: Date | null;
  weights: number[];
  dims: number[];
  eligibility: Eligibility;
  snapshot: RunSnapshot | null;
}

async function readPublished(ctx: Pick<CommandContext, 'db' | 'clock' | 'config' | 'log'>): Promise<Published> {
  const { db, config, clock, log } = ctx;
  const state = await readPublishedState(db.pool);
  // Full or incremental: both record the rules, dims and snapshot of the set they published.
  const row = state ? await matchRunById(db.pool, state.runId) : null;
  let snapshot: RunSnapshot | null = null;
  if (row) {
    try {
      snapshot = await loadSnapshot(db, row.id);
    } catch (e) {
      log.warn(`run ${row.id}'s snapshot is not available (${messageOf(e)}): changes since the run cannot be told`);
    }
  }
  return {
    run: state ? { runId: state.runId, topK: state.topK } : null,
    publishedAt: state?.publishedAt ?? null,
    weights: state ? [...state.weights] : [...config.weights],
    dims: row?.params.dims ?? (await detectFacetDims(db.pool)),
    eligibility: row?.params.eligibility ?? resolveEligibility(config, clock.now()),
    snapshot,
  };
}

/**
 * Why a pair (or a talent, or a posting) is, or is not, in the published
 * results: the score recomputed from the stored embeddings with the published
 * weights, its rank in each direction, and the first rule that excludes it.
 * Read-only; exit 0 whatever the answer.
 */
export async function explain(opts: ExplainOptions, ctx: Pick<CommandContext, 'db' | 'clock' | 'config' | 'log'>): Promise<PairReport | EntityReport> {
  if (opts.talentId === undefined && opts.jobId === undefined) throw new FitmatchError('explain needs --talent ID, --job ID, or both', ExitCode.USAGE);
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  await assertMigrated(ctx.db);
  const pub = await readPublished(ctx);
  if (opts.talentId !== undefined && opts.jobId !== undefined) {
    const report = await pairReport(ctx.db.pool, pub, opts.talentId, opts.jobId);
    write(redact(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatPairReport(report)));
    return report;
  }
  const report = opts.talentId !== undefined ? await entityReport(ctx.db.pool, pub, 'talent', opts.talentId) : await entityReport(ctx.db.pool, pub, 'job', opts.jobId!);
  write(redact(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatEntityReport(report)));
  return report;
}

const head = (pub: Published) => ({ run_id: pub.run?.runId ?? null, published_at: pub.publishedAt?.toISOString() ?? null, top_k: pub.run?.topK ?? null });
const ALL_FACETS = FACETS.map(() => 1);

/** One side of a pair as scorePair takes it, with its id. */
type Side = { id: number; facets: Float32Array[]; mask: number };

async function pairReport(pool: Pool, pub: Published, talentId: number, jobId: number): Promise<PairReport> {
  const t = await readTalentFacts(pool, talentId, pub.dims, pub.snapshot);
  const j = await readJobFacts(pool, jobId, pub.dims, pub.snapshot);
  const side = (x: typeof t | typeof j): Side => ({ id: x.id, facets: x.vectors!.facets, mask: x.embedding!.usableMask });
  const both = t.vectors && j.vectors;
  const score = both ? scorePair(side(t), side(j), pub.weights, pub.dims) : null;
  // The app lists every shared facet, whatever its weight: their scores do not depend on it.
  const facetScores = both ? scorePair(side(t), side(j), ALL_FACETS, pub.dims)?.facetScores ?? [] : [];
  const placement = pub.run ? await pairPlacement(pool, talentId, jobId) : { talent_to_job: null, job_to_talent: null };
  const kth = pub.run
    ? { talent: await kthScore(pool, 'talent_to_job', talentId, pub.run.topK), job: await kthScore(pool, 'job_to_talent', jobId, pub.run.topK) }
    : { talent: null, job: null };
  const total = score ? round2(score.total) : null;
  const exact = score && pub.run ? { mean: score.mean, lastAtScore: await lastAtScore(pool, pub, side(t), side(j), total!, kth, placement) } : undefined;
  const verdict = pairVerdict({ run: pub.run, eligibility: pub.eligibility, weights: pub.weights, talent: t, job: j, score: total, placement, kth, exact });
  return {
    talent_id: talentId,
    job_id: jobId,
    weights: weightsOf(pub.weights),
    overall: { score_100: total },
    facets: Object.fromEntries(FACETS.flatMap((f, i) => (facetScores[i] === undefined || Number.isNaN(facetScores[i]) ? [] : [[f, { score_100: round2(facetScores[i]) }]]))),
    ...head(pub),
    published: placement,
    absent_because: verdict.talent_to_job || verdict.job_to_talent ? verdict : null,
  };
}

/**
 * For each direction the pair is absent from and whose k-th score equals the
 * pair's at 2 decimals: the listed candidate showing that score that comes last
 * in list order, by its exact score recomputed from the stored embeddings.
 */
async function lastAtScore(
  pool: Pool,
  pub: Published,
  talent: Side,
  job: Side,
  total: number,
  kth: { talent: number | null; job: number | null },
  placement: Record<'talent_to_job' | 'job_to_talent', unknown>,
): Promise<Partial<Record<'talent_to_job' | 'job_to_talent', { id: number; mean: number }>>> {
  const out: Partial<Record<'talent_to_job' | 'job_to_talent', { id: number; mean: number }>> = {};
  for (const d of ['talent_to_job', 'job_to_talent'] as const) {
    if (placement[d] || (d === 'talent_to_job' ? kth.talent : kth.job) !== total) continue;
    // The pair's own side is already read: only each listed candidate's vectors are.
    const [subjectId, subject] = d === 'talent_to_job' ? [talent.id, talent] : [job.id, job];
    for (const row of await publishedList(pool, d, subjectId)) {
      if (row.total !== total) continue;
      const other = d === 'talent_to_job' ? await readJobFacts(pool, row.candidateId, pub.dims, pub.snapshot) : await readTalentFacts(pool, row.candidateId, pub.dims, pub.snapshot);
      if (!other.vectors) continue;
      const o = { facets: other.vectors.facets, mask: other.embedding!.usableMask };
      const mean = (d === 'talent_to_job' ? scorePair(subject, o, pub.weights, pub.dims) : scorePair(o, subject, pub.weights, pub.dims))?.mean;
      const last = out[d];
      if (mean !== undefined && (!last || listBefore(last.mean, last.id, mean, row.candidateId))) out[d] = { id: row.candidateId, mean };
    }
  }
  return out;
}

async function entityReport(pool: Pool, pub: Published, kind: 'talent' | 'job', id: number): Promise<EntityReport> {
  const list = pub.run ? await publishedList(pool, kind === 'talent' ? 'talent_to_job' : 'job_to_talent', id) : [];
  const entity = kind === 'talent' ? ({ kind, facts: await readTalentFacts(pool, id, pub.dims, pub.snapshot) } as const) : ({ kind, facts: await readJobFacts(pool, id, pub.dims, pub.snapshot) } as const);
  const excluded = entity.kind === 'talent' ? talentExclusion(entity.facts, pub.eligibility, pub.run) : jobExclusion(entity.facts, pub.eligibility, pub.run);
  return {
    ...(kind === 'talent' ? { talent_id: id } : { job_id: id }),
    ...head(pub),
    weights: weightsOf(pub.weights),
    eligible: excluded === null,
    diagnosis: entityDiagnosis(entity, pub.eligibility, pub.run, list.length),
    results: resultsOf(list, kind),
  };
}
