import * as ort from 'onnxruntime-node';
import { FACET_COUNT } from '../facets.js';
import { buildMatchGraph, gemmScales } from '../kernel/buildMatchGraph.js';
import { encodeOnnxModel } from '../kernel/encodeOnnxModel.js';
import { CandidateTable } from './CandidateTable.js';
import { planBlocks, type BlockPlan } from './planBlocks.js';
import { hasAll, JobSlices, sliceBlock } from './JobSlices.js';
import type { EmbeddingBlock, ResultBatch } from './types.js';

export interface MatchEngineOptions {
  topK: number;
  weights: readonly number[];
  dims: readonly number[];
  /** ORT intra-op threads (default 2). */
  threads?: number;
  /** Budget for planning block sizes (default 2 GiB). */
  memoryBytes?: number;
  /** Planning hint; unknown talent count plans as if unbounded. */
  talentCount?: number;
  /** Candidates kept beyond topK for tie re-ordering (default 8). */
  slack?: number;
  /** Means closer than this count as ties, broken by smaller id (default 1e-6). */
  tieEpsilon?: number;
  /** Override the planned block sizes (tests, benchmarks). */
  talentBlockRows?: number;
  jobChunkRows?: number;
}

const F = FACET_COUNT;

export class MatchEngine {
  private jobs?: JobSlices;
  private j2t?: CandidateTable;
  /** Tables kept for the next block or pass: first touches of fresh memory cost more than the merge itself. */
  private spareT2j?: CandidateTable;
  private spareJ2t?: CandidateTable;
  private plan?: BlockPlan;
  private readonly cap: number;
  private readonly facets: Int32Array;
  private readonly weighted: Int32Array;
  private readonly weightOf: Float64Array;
  /** 1 / gemmScales per facet, for the general and the full graph. */
  private readonly invScales: { general: Float64Array; full: Float64Array };
  private readonly invDen = new Float64Array(1 << F);
  private readonly requiredMask: number;
  private pqBuf = new Float32Array(0);

  /** general: any masks; full: both sides have every weighted facet (cheaper graph). */
  private constructor(
    private readonly general: ort.InferenceSession,
    private readonly full: ort.InferenceSession,
    private readonly opts: MatchEngineOptions,
  ) {
    this.cap = opts.topK + (opts.slack ?? 8);
    const facets = [...Array(F).keys()].filter((f) => opts.dims[f] > 0);
    const weighted = facets.filter((f) => opts.weights[f] > 0);
    this.facets = Int32Array.from(facets);
    this.weighted = Int32Array.from(weighted);
    this.weightOf = Float64Array.from(weighted, (f) => opts.weights[f]);
    const inv = (full: boolean) => Float64Array.from(gemmScales(opts.weights, full), (s) => 1 / s);
    this.invScales = { general: inv(false), full: inv(true) };
    this.requiredMask = weighted.reduce((m, f) => m | (1 << f), 0);
    for (let m = 0; m < 1 << F; m++) {
      let den = 0;
      for (const f of weighted) if (m & (1 << f)) den += opts.weights[f];
      this.invDen[m] = den > 0 ? 1 / den : 0;
    }
  }

  static async create(opts: MatchEngineOptions): Promise<MatchEngine> {
    if (opts.weights.length !== F || opts.dims.length !== F) throw new Error(`weights and dims need ${F} entries`);
    if (!(opts.topK >= 1)) throw new Error('topK must be >= 1');
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads ?? 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const session = (allPresent: boolean) =>
      ort.InferenceSession.create(encodeOnnxModel(buildMatchGraph(opts.weights, opts.dims, allPresent)), sessionOptions);
    return new MatchEngine(await session(false), await session(true), opts);
  }

  /** Block sizes in use; known after the first processTalentBlock (or planFor). */
  planFor(jobCount: number): BlockPlan {
    const o = this.opts;
    this.plan ??= planBlocks({
      memoryBytes: o.memoryBytes ?? 2 * 2 ** 30,
      dims: o.dims,
      talentCount: o.talentCount ?? Number.MAX_SAFE_INTEGER,
      jobCount,
      topK: o.topK,
      slack: o.slack,
    });
    if (o.talentBlockRows) this.plan.talentBlockRows = o.talentBlockRows;
    if (o.jobChunkRows) this.plan.jobChunkRows = o.jobChunkRows;
    return this.plan;
  }

  /** Complete talent_to_job rows for these talents; job_to_talent accumulates internally. */
  async processTalentBlock(talents: EmbeddingBlock, jobChunks: readonly EmbeddingBlock[]): Promise<ResultBatch> {
    const jobCount = jobChunks.reduce((n, c) => n + c.rows, 0);
    const plan = this.planFor(jobCount);
    if (!this.jobs) {
      this.jobs = new JobSlices(jobChunks, plan.jobChunkRows, this.opts.dims, this.requiredMask);
      this.j2t = reuse(this.spareJ2t, jobCount, this.cap);
      this.spareJ2t = undefined;
    } else if (!this.jobs.matches(jobChunks)) {
      throw new Error('processTalentBlock must get the same job chunks on every call');
    }
    // Taken, not shared: an overlapping call gets a table of its own.
    const t2j = reuse(this.spareT2j, talents.rows, this.cap);
    this.spareT2j = undefined;
    for (let start = 0; start < talents.rows; start += plan.talentBlockRows) {
      const rows = Math.min(plan.talentBlockRows, talents.rows - start);
      const q = sliceBlock(talents, start, rows, this.opts.dims);
      const qFeeds = this.talentFeeds(q);
      const qFull = hasAll(q.mask, this.requiredMask);
      for (const slice of this.jobs.slices) {
        const full = qFull && slice.full;
        const feeds: Record<string, ort.Tensor> = { ...qFeeds, ...slice.feeds };
        if (full) delete feeds.pq, delete feeds.pcT;
        feeds.kt = new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(this.cap, slice.block.rows))), [1]);
        feeds.kj = new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(this.cap, rows))), [1]);
        const out = await (full ? this.full : this.general).run(feeds);
        this.collect(out, full ? this.invScales.full : this.invScales.general, q, start, slice.block, slice.offset, t2j);
      }
    }
    const batch = t2j.toResultBatch('talent_to_job', talents.ids, this.opts.topK, this.opts.tieEpsilon ?? 1e-6);
    this.spareT2j = t2j;
    return batch;
  }

  /**
   * job_to_talent rows merged over all talent blocks processed so far. Ends the pass:
   * the engine (and its warm sessions) can then start over with other jobs.
   */
  finishJobToTalent(): ResultBatch {
    if (!this.jobs || !this.j2t) throw new Error('no talent block processed');
    const out = this.j2t.toResultBatch('job_to_talent', this.jobs.ids, this.opts.topK, this.opts.tieEpsilon ?? 1e-6);
    this.spareJ2t = this.j2t;
    this.jobs = this.j2t = this.plan = undefined;
    return out;
  }

  async close(): Promise<void> {
    await this.general.release();
    await this.full.release();
  }

  private talentFeeds(q: EmbeddingBlock): Record<string, ort.Tensor> {
    if (this.pqBuf.length < q.rows * F) this.pqBuf = new Float32Array(q.rows * F);
    const pq = this.pqBuf.subarray(0, q.rows * F);
    for (let i = 0; i < q.rows; i++) {
      for (let f = 0; f < F; f++) pq[i * F + f] = q.mask[i] & (1 << f) ? this.opts.weights[f] : 0;
    }
    const feeds: Record<string, ort.Tensor> = { pq: new ort.Tensor('float32', pq, [q.rows, F]) };
    for (const f of this.facets) feeds[`q${f}`] = new ort.Tensor('float32', q.facets[f], [q.rows, this.opts.dims[f]]);
    return feeds;
  }

  private collect(
    out: ort.InferenceSession.OnnxValueMapType,
    invScale: Float64Array,
    q: EmbeddingBlock,
    qOffset: number,
    c: EmbeddingBlock,
    cOffset: number,
    t2j: CandidateTable,
  ): void {
    const t2jCos: Float32Array[] = [];
    const j2tCos: Float32Array[] = [];
    for (let f = 0; f < F; f++) {
      const present = this.opts.dims[f] > 0;
      t2jCos.push(present ? (out[`t2jCos${f}`].data as Float32Array) : EMPTY);
      j2tCos.push(present ? (out[`j2tCos${f}`].data as Float32Array) : EMPTY);
    }

    const t2jIdx = low32(out.t2jIdx.data as BigInt64Array);
    const kt = out.t2jIdx.dims[1];
    for (let i = 0; i < q.rows; i++) {
      for (let r = 0; r < kt; r++) {
        const at = i * kt + r;
        const col = t2jIdx[2 * at];
        const shared = q.mask[i] & c.mask[col];
        if (this.invDen[shared] === 0) continue;
        const e = t2j.offer(qOffset + i, this.mean(t2jCos, invScale, at, shared), c.ids[col], shared);
        if (e >= 0) this.copyCos(t2j.cos, e, t2jCos, invScale, at);
      }
    }
    const j2t = this.j2t!;
    const j2tIdx = low32(out.j2tIdx.data as BigInt64Array);
    const kj = out.j2tIdx.dims[0];
    const bc = c.rows;
    for (let r = 0; r < kj; r++) {
      for (let col = 0; col < bc; col++) {
        const at = r * bc + col;
        const i = j2tIdx[2 * at];
        const shared = q.mask[i] & c.mask[col];
        if (this.invDen[shared] === 0) continue;
        const e = j2t.offer(cOffset + col, this.mean(j2tCos, invScale, at, shared), q.ids[i], shared);
        if (e >= 0) this.copyCos(j2t.cos, e, j2tCos, invScale, at);
      }
    }
  }

  /** Weighted mean cosine over the shared weighted facets, clamped to [-1, 1]. */
  private mean(cos: Float32Array[], invScale: Float64Array, at: number, shared: number): number {
    const weighted = this.weighted;
    let num = 0;
    for (let k = 0; k < weighted.length; k++) {
      const f = weighted[k];
      if (shared & (1 << f)) num += this.weightOf[k] * (cos[f][at] * invScale[f]);
    }
    const m = num * this.invDen[shared];
    return m > 1 ? 1 : m < -1 ? -1 : m;
  }

  private copyCos(dst: Float32Array, entry: number, cos: Float32Array[], invScale: Float64Array, at: number): void {
    const facets = this.facets;
    for (let k = 0; k < facets.length; k++) {
      const f = facets[k];
      dst[entry * F + f] = cos[f][at] * invScale[f];
    }
  }
}

const EMPTY = new Float32Array(0);

function reuse(table: CandidateTable | undefined, subjects: number, capacity: number): CandidateTable {
  if (table?.subjects !== subjects) return new CandidateTable(subjects, capacity);
  table.clear();
  return table;
}

/** TopK indices (< 2^31) as the low words of the int64s: ORT's Node binding only ships for little-endian hosts. */
function low32(a: BigInt64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}
