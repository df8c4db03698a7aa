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
  private plan?: BlockPlan;
  private readonly cap: number;
  private readonly facets: number[];
  private readonly weighted: number[];
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
    this.facets = [...Array(F).keys()].filter((f) => opts.dims[f] > 0);
    this.weighted = this.facets.filter((f) => opts.weights[f] > 0);
    this.requiredMask = this.weighted.reduce((m, f) => m | (1 << f), 0);
    for (let m = 0; m < 1 << F; m++) {
      let den = 0;
      for (const f of this.weighted) if (m & (1 << f)) den += opts.weights[f];
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
      this.j2t = new CandidateTable(jobCount, this.cap);
    } else if (!this.jobs.matches(jobChunks)) {
      throw new Error('processTalentBlock must get the same job chunks on every call');
    }
    const t2j = new CandidateTable(talents.rows, this.cap);
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
        this.collect(out, gemmScales(this.opts.weights, full), q, start, slice.block, slice.offset, t2j);
      }
    }
    return t2j.toResultBatch('talent_to_job', talents.ids, this.opts.topK, this.opts.tieEpsilon ?? 1e-6);
  }

  /**
   * job_to_talent rows merged over all talent blocks processed so far. Ends the pass:
   * the engine (and its warm sessions) can then start over with other jobs.
   */
  finishJobToTalent(): ResultBatch {
    if (!this.jobs || !this.j2t) throw new Error('no talent block processed');
    const out = this.j2t.toResultBatch('job_to_talent', this.jobs.ids, this.opts.topK, this.opts.tieEpsilon ?? 1e-6);
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
    scales: number[],
    q: EmbeddingBlock,
    qOffset: number,
    c: EmbeddingBlock,
    cOffset: number,
    t2j: CandidateTable,
  ): void {
    const w = this.opts.weights;
    const t2jCos: Float64Array[] = [];
    const j2tCos: Float64Array[] = [];
    const unscale = (data: Float32Array, s: number) => {
      const r = new Float64Array(data.length);
      const inv = 1 / s;
      for (let i = 0; i < data.length; i++) r[i] = data[i] * inv;
      return r;
    };
    for (const f of this.facets) {
      t2jCos[f] = unscale(out[`t2jCos${f}`].data as Float32Array, scales[f]);
      j2tCos[f] = unscale(out[`j2tCos${f}`].data as Float32Array, scales[f]);
    }
    const mean = (cos: Float64Array[], at: number, shared: number): number => {
      let num = 0;
      for (const f of this.weighted) if (shared & (1 << f)) num += w[f] * cos[f][at];
      const m = num * this.invDen[shared];
      return m > 1 ? 1 : m < -1 ? -1 : m;
    };

    const t2jIdx = out.t2jIdx.data as BigInt64Array;
    const kt = out.t2jIdx.dims[1];
    for (let i = 0; i < q.rows; i++) {
      for (let r = 0; r < kt; r++) {
        const at = i * kt + r;
        const col = Number(t2jIdx[at]);
        const shared = q.mask[i] & c.mask[col];
        if (this.invDen[shared] === 0) continue;
        t2j.offer(qOffset + i, mean(t2jCos, at, shared), c.ids[col], shared, t2jCos, at);
      }
    }
    const j2tIdx = out.j2tIdx.data as BigInt64Array;
    const kj = out.j2tIdx.dims[0];
    const bc = c.rows;
    for (let r = 0; r < kj; r++) {
      for (let col = 0; col < bc; col++) {
        const at = r * bc + col;
        const i = Number(j2tIdx[at]);
        const shared = q.mask[i] & c.mask[col];
        if (this.invDen[shared] === 0) continue;
        this.j2t!.offer(cOffset + col, mean(j2tCos, at, shared), q.ids[i], shared, j2tCos, at);
      }
    }
  }
}
