import * as ort from 'onnxruntime-node';
import { FACET_COUNT } from '../facets.js';
import { buildMatchGraph, gemmScales } from '../kernel/buildMatchGraph.js';
import { encodeOnnxModel } from '../kernel/encodeOnnxModel.js';
import { CandidateTable } from './CandidateTable.js';
import type { BlockOutput, EngineLike, EngineSettings } from './enginePort.js';
import { hasAll, JobSlices, padBlock, sliceBlock } from './JobSlices.js';
import { facetCents } from './listRows.js';
import type { SubjectLists } from './SubjectLists.js';
import type { EmbeddingBlock } from './types.js';

const F = FACET_COUNT;
/**
 * The graph's TopK keeps a few more than the lists hold: it ranks by float32
 * scores, the lists by float64 means, and near the cut the two can disagree.
 */
const GRAPH_MARGIN = 4;

/**
 * The onnxruntime engine: scores talent blocks against all jobs with the match
 * graph, keeps each talent's list and every job's list (capacity topK + reserve),
 * and hands out, per block, the talents' lists and the job lists' new entries.
 */
export class MatchEngine implements EngineLike {
  private jobs?: JobSlices;
  private j2t?: CandidateTable;
  private readonly cap: number;
  private readonly facets: Int32Array;
  private readonly weighted: Int32Array;
  private readonly weightOf: Float64Array;
  private readonly invScale: Float64Array;
  private readonly invDen = new Float64Array(1 << F);
  private readonly requiredMask: number;
  private pqBuf = new Float32Array(0);

  /** general: any masks; full: both sides have every weighted facet (cheaper graph). */
  private constructor(
    private readonly general: ort.InferenceSession,
    private readonly full: ort.InferenceSession,
    private readonly opts: EngineSettings,
  ) {
    this.cap = opts.topK + opts.reserve;
    const facets = [...Array(F).keys()].filter((f) => opts.dims[f] > 0);
    const weighted = facets.filter((f) => opts.weights[f] > 0);
    this.facets = Int32Array.from(facets);
    this.weighted = Int32Array.from(weighted);
    this.weightOf = Float64Array.from(weighted, (f) => opts.weights[f]);
    this.invScale = Float64Array.from(gemmScales(opts.weights), (s) => 1 / s);
    this.requiredMask = weighted.reduce((m, f) => m | (1 << f), 0);
    for (let m = 0; m < 1 << F; m++) {
      let den = 0;
      for (const f of weighted) if (m & (1 << f)) den += opts.weights[f];
      this.invDen[m] = den > 0 ? 1 / den : 0;
    }
  }

  static async create(opts: EngineSettings): Promise<MatchEngine> {
    if (opts.weights.length !== F || opts.dims.length !== F) throw new Error(`weights and dims need ${F} entries`);
    if (!(opts.topK >= 1) || !(opts.reserve >= 0)) throw new Error('topK must be >= 1 and reserve >= 0');
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Idle ORT threads would spin on cores the reads, the writes and the database need (no loss alone: bench).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    const session = (allPresent: boolean) =>
      ort.InferenceSession.create(encodeOnnxModel(buildMatchGraph(opts.weights, opts.dims, allPresent)), sessionOptions);
    return new MatchEngine(await session(false), await session(true), opts);
  }

  setJobs(jobs: EmbeddingBlock): void {
    this.jobs = new JobSlices(jobs, this.opts.jobChunkRows, this.opts.dims, this.requiredMask, this.opts.threads);
    this.j2t = new CandidateTable(jobs.rows, this.cap);
  }

  seedJobLists(lists: SubjectLists): void {
    const { jobs, j2t } = this.ready();
    for (let i = 0; i < lists.subjectIds.length; i++) {
      const row = indexOf(jobs.jobs.ids, jobs.jobs.rows, lists.subjectIds[i]);
      if (row >= 0) j2t.offerList(row, lists, i);
    }
  }

  async processBlock(talents: EmbeddingBlock): Promise<BlockOutput> {
    const { jobs, j2t } = this.ready();
    const t2j = new CandidateTable(talents.rows, this.cap);
    const step = this.opts.talentBlockRows;
    for (let start = 0; start < talents.rows; start += step) {
      const rows = Math.min(step, talents.rows - start);
      // One row takes a GEMV path with other float32 bits (see minSliceRows): never score a lone talent.
      const view = sliceBlock(talents, start, rows, this.opts.dims);
      const q = rows > 1 ? view : padBlock(view, 2, this.opts.dims);
      const qFeeds = this.talentFeeds(q);
      const qFull = hasAll(q.mask, this.requiredMask);
      for (const slice of jobs.slices) {
        const full = qFull && slice.full;
        const feeds: Record<string, ort.Tensor> = { ...qFeeds, ...slice.feeds };
        if (full) delete feeds.pq, delete feeds.pcT;
        feeds.kt = new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(this.cap + GRAPH_MARGIN, slice.block.rows))), [1]);
        feeds.kj = new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(this.cap + GRAPH_MARGIN, q.rows))), [1]);
        const out = await (full ? this.full : this.general).run(feeds);
        this.collect(out, q, start, slice.block, slice.offset, t2j, j2t);
      }
    }
    const range = { lo: talents.ids[0], hi: talents.ids[talents.rows - 1] };
    return { t2j: t2j.toLists(talents.ids), j2tDiff: talents.rows ? j2t.toLists(jobs.jobs.ids, range) : t2j.toLists([]) };
  }

  async close(): Promise<void> {
    await this.general.release();
    await this.full.release();
  }

  private ready(): { jobs: JobSlices; j2t: CandidateTable } {
    if (!this.jobs || !this.j2t) throw new Error('setJobs() must come first');
    return { jobs: this.jobs, j2t: this.j2t };
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

  private collect(out: ort.InferenceSession.OnnxValueMapType, q: EmbeddingBlock, qOffset: number, c: EmbeddingBlock, cOffset: number, t2j: CandidateTable, j2t: CandidateTable): void {
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
        const e = t2j.offer(qOffset + i, this.mean(t2jCos, at, shared), c.ids[col]);
        if (e >= 0) this.writeCents(t2j.cents, e, t2jCos, at, shared);
      }
    }
    const j2tIdx = low32(out.j2tIdx.data as BigInt64Array);
    const kj = out.j2tIdx.dims[0];
    const bc = c.rows;
    for (let r = 0; r < kj; r++) {
      for (let col = 0; col < bc; col++) {
        const at = r * bc + col;
        const i = j2tIdx[2 * at];
        const shared = q.mask[i] & c.mask[col];
        // Padding rows have mask 0, so they never reach the job lists.
        if (this.invDen[shared] === 0) continue;
        const e = j2t.offer(cOffset + col, this.mean(j2tCos, at, shared), q.ids[i]);
        if (e >= 0) this.writeCents(j2t.cents, e, j2tCos, at, shared);
      }
    }
  }

  /** Weighted mean cosine over the shared weighted facets, in float64, clamped to [-1, 1]. */
  private mean(cos: Float32Array[], at: number, shared: number): number {
    const weighted = this.weighted;
    let num = 0;
    for (let k = 0; k < weighted.length; k++) {
      const f = weighted[k];
      if (shared & (1 << f)) num += this.weightOf[k] * (cos[f][at] * this.invScale[f]);
    }
    const m = num * this.invDen[shared];
    return m > 1 ? 1 : m < -1 ? -1 : m;
  }

  /** Facet scores of one entry: every shared facet (weighted or not), -1 elsewhere. */
  private writeCents(dst: Int16Array, entry: number, cos: Float32Array[], at: number, shared: number): void {
    for (let f = 0; f < F; f++) dst[entry * F + f] = shared & (1 << f) ? facetCents(cos[f][at] * this.invScale[f]) : -1;
  }
}

const EMPTY = new Float32Array(0);

/** Row of `id` in ascending ids[0..n), or -1. */
function indexOf(ids: Float64Array, n: number, id: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] < id) lo = mid + 1;
    else if (ids[mid] > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** TopK indices (< 2^31) as the low words of the int64s: ORT's Node binding only ships for little-endian hosts. */
function low32(a: BigInt64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}
