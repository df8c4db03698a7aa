import * as ort from 'onnxruntime-node';
import { FACET_COUNT } from '../facets.js';
import { buildMatchGraph, gemmScales, type KernelKind } from '../kernel/buildMatchGraph.js';
import { encodeOnnxModel } from '../kernel/encodeOnnxModel.js';
import { CandidateTable } from './CandidateTable.js';
import { fp32Bounds, int8Bounds, quantisedSide, type CandidateBounds, type QuantisedSide } from './candidateBounds.js';
import { chooseKernel, pickKernel, type KernelTrial } from './chooseKernel.js';
import type { BlockOutput, EngineLike, EngineSettings, EngineStats } from './enginePort.js';
import { exactMean } from './exactScore.js';
import { ExactArena } from './wasmDot.js';
import { hasAll, JobSlices, padBlock, sliceBlock, type JobSlice, type KernelInputs } from './JobSlices.js';
import { facetCents } from './listRows.js';
import { quantiseRows } from './quantiseRows.js';
import type { SubjectLists } from './SubjectLists.js';
import type { EmbeddingBlock } from './types.js';

const F = FACET_COUNT;
/** Approximate values below this are the graph's NO_MATCH_SCORE (-4): no shared weighted facet. */
const NO_MATCH_BELOW = -2;
/**
 * Talent rows of one facet scored against each job row in one go (tile by tile).
 * Measured at 2000 × 5000 × 6 × 1536: tiles that fit a core's L2 (1 MB) left a
 * job row 2–3 talents per read and cost 25% more CPU than one tile of the whole
 * block (a job row's 25–70 talents in one call, the talents from L3).
 */
const TILE_BYTES = 32 * 2 ** 20;
/** Talent rows `--kernel auto` times each kernel on. */
const TRIAL_ROWS = 512;

/**
 * Candidates the graph's TopK hands out per subject, as a multiple of the list
 * capacity: enough that the bound nearly always proves the rest cannot enter
 * (a subject where it cannot is scored exactly against the whole slice).
 * int8's two-digit bound is ~2x fp32's, so it takes a few more.
 */
const CANDIDATES = { fp32: (cap: number) => Math.ceil(cap * 1.25) + 8, int8: (cap: number) => Math.ceil(cap * 1.5) + 8 };
/**
 * An exact pair score in JS costs ~80 pairs of the fp32 graph: when the int8
 * bound (tight on any data so far: kept for data built to defeat it) leaves more than this share of a run's pairs to exact fallbacks, the
 * run is redone with the fp32 graph instead, whose bound is ~20x tighter.
 */
const INT8_UNSETTLED_BUDGET = 0.005;
/** After this many int8 runs in a row redone with fp32, the data is too crowded for int8: stay on fp32. */
const INT8_GIVE_UP = 3;

type Sessions = { general: ort.InferenceSession; full: ort.InferenceSession };

/**
 * The onnxruntime engine. A candidate pass (float32 Gemm or u8 × s8
 * MatMulInteger) scores talent blocks against all jobs approximately and hands
 * out each side's best candidates with a proven bound on their error; every
 * candidate that can still enter a list is re-scored exactly (exactScore.ts),
 * and only exact scores rank. A subject whose candidates the bound cannot prove
 * complete is scored exactly against the whole slice (a fallback, counted).
 * The engine keeps each talent's list and every job's list (capacity topK +
 * reserve) and hands out, per block, the talents' lists and the job lists' new
 * entries.
 */
export class MatchEngine implements EngineLike {
  private jobs?: JobSlices;
  private j2t?: CandidateTable;
  private readonly cap: number;
  private readonly weighted: number[];
  private readonly sumW: number;
  private readonly requiredMask: number;
  private readonly scales: number[];
  private pqBuf = new Float32Array(0);
  private readonly cos = new Float64Array(F);
  /** One graph run's pairs to score exactly, and the buffers of choosing and scoring them. */
  private readonly pairs = new PairSet();
  private readonly offers: number[] = [];
  private lower = new Float64Array(0);
  private keyStart = new Int32Array(0);
  private order = new Int32Array(0);
  private offs = new Float64Array(0);
  private dotOut = new Float64Array(0);
  private runPairs = new Int32Array(0);
  private stats!: EngineStats;
  private redoneInARow = 0;
  /** `--kernel auto`: the first slice is scored with each kernel, and the faster one is kept. */
  private trialPending = false;
  /** Time spent quantising the current talent rows (int8's share of a block outside the graph). */
  private quantiseMs = 0;
  /** Job rows (all of them) and the current talent rows, where the exact re-score reads them. */
  private arena?: ExactArena;
  private jobAt: number[] = [];
  private talentAt: number[] = [];

  /** Per kernel, general: any masks; full: both sides have every weighted facet (cheaper graph). int8 engines have both kernels. */
  private constructor(
    private readonly sessions: Partial<Record<KernelKind, Sessions>>,
    private readonly opts: EngineSettings,
    private kernel: KernelKind,
    private kernelWhy: string,
  ) {
    this.cap = opts.topK + opts.reserve;
    this.weighted = [...Array(F).keys()].filter((f) => opts.dims[f] > 0 && opts.weights[f] > 0);
    this.sumW = this.weighted.reduce((s, f) => s + opts.weights[f], 0);
    this.requiredMask = this.weighted.reduce((m, f) => m | (1 << f), 0);
    this.scales = gemmScales(opts.weights);
    this.resetStats();
  }

  static async create(opts: EngineSettings): Promise<MatchEngine> {
    if (opts.weights.length !== F || opts.dims.length !== F) throw new Error(`weights and dims need ${F} entries`);
    if (!(opts.topK >= 1) || !(opts.reserve >= 0)) throw new Error('topK must be >= 1 and reserve >= 0');
    // auto, unresolved: both kernels, timed on the first real slice (see trial()).
    const trial = opts.kernel === 'auto' && !opts.kernelWhy;
    const choice: { kernel: KernelKind; why: string } = trial
      ? { kernel: 'int8', why: 'auto: not timed yet' }
      : opts.kernel && opts.kernel !== 'auto' && opts.kernelWhy
        ? { kernel: opts.kernel, why: opts.kernelWhy }
        : chooseKernel(opts.kernel === 'auto' ? undefined : opts.kernel);
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Idle ORT threads would spin on cores the reads, the writes and the database need (no loss alone: bench).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    const session = (allPresent: boolean, kernel: KernelKind) =>
      ort.InferenceSession.create(encodeOnnxModel(buildMatchGraph(opts.weights, opts.dims, allPresent, kernel)), sessionOptions);
    const sessions: Partial<Record<KernelKind, Sessions>> = { fp32: { general: await session(false, 'fp32'), full: await session(true, 'fp32') } };
    if (choice.kernel === 'int8') sessions.int8 = { general: await session(false, 'int8'), full: await session(true, 'int8') };
    const engine = new MatchEngine(sessions, opts, choice.kernel, choice.why);
    engine.trialPending = trial;
    return engine;
  }

  setJobs(given: EmbeddingBlock): void {
    const dims = this.opts.dims;
    const talentRows = Math.max(2, this.opts.talentBlockRows);
    const rowFloats = dims.reduce((a, b) => a + b, 0);
    this.arena = new ExactArena((given.rows + talentRows) * rowFloats);
    const jobs: EmbeddingBlock = { ...given, facets: given.facets.map((a, f) => this.arena!.alloc(given.rows * dims[f])) };
    jobs.facets.forEach((a, f) => a.set(given.facets[f].subarray(0, given.rows * dims[f])));
    this.jobAt = jobs.facets.map((a) => a.byteOffset / 4);
    this.talentAt = dims.map((d) => this.arena!.alloc(talentRows * d).byteOffset / 4);
    this.jobs = new JobSlices(jobs, this.opts.jobChunkRows, this.requiredMask, this.opts.threads, (b) => this.jobInputs(b, this.trialPending ? 'fp32' : this.kernel), this.opts.dims);
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
    this.resetStats();
    const t2j = new CandidateTable(talents.rows, this.cap);
    const step = this.opts.talentBlockRows;
    for (let start = 0; start < talents.rows; start += step) {
      const rows = Math.min(step, talents.rows - start);
      // A lone row would take MLAS's slower GEMV path: score at least two.
      const view = sliceBlock(talents, start, rows, this.opts.dims);
      const q = rows > 1 ? view : padBlock(view, 2, this.opts.dims);
      this.placeTalents(q);
      const tin = this.talentInputs(q);
      const qFull = hasAll(q.mask, this.requiredMask);
      for (const slice of jobs.slices) {
        const full = qFull && slice.full;
        const scale = full ? 1 / this.sumW : 1;
        // The graph, the bounds and int8's budget for talent rows tq (q, or the first rows of q for auto's trial).
        const graphOf = (tq: EmbeddingBlock, ti: TalentInputs) => ({
          run: async (kernel: KernelKind) => {
            const feeds: Record<string, ort.Tensor> = kernel === 'int8' ? { ...ti.feeds, ...slice.feeds } : { ...(ti.fp32Feeds ?? ti.feeds), ...(slice.fp32Feeds ?? slice.feeds) };
            if (full) delete feeds.pq, delete feeds.pcT;
            const k = CANDIDATES[kernel](this.cap);
            feeds.kt = new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(k, slice.block.rows))), [1]);
            feeds.kj = new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(k, tq.rows))), [1]);
            const t = performance.now();
            const s = this.sessions[kernel]!;
            const out = await (full ? s.full : s.general).run(feeds);
            this.stats.graphMs += performance.now() - t;
            return out;
          },
          boundsOf: (kernel: KernelKind) => (kernel === 'int8' ? int8Bounds(ti.quantised!, slice.quantised!, this.opts.weights, this.weighted) : fp32Bounds(this.opts.dims, this.weighted)),
          overBudget: (o: ort.InferenceSession.OnnxValueMapType, b: CandidateBounds) =>
            this.unsettledPairs(o, tq, slice, b, scale, start, t2j, j2t) > (this.opts.int8Budget ?? INT8_UNSETTLED_BUDGET) * tq.rows * slice.block.rows,
        });
        const { run, boundsOf, overBudget } = graphOf(q, tin);
        if (this.trialPending) {
          this.trialPending = false;
          jobs.useInputs((b) => this.jobInputs(b, 'int8'), (s) => s === slice);
          // The first TRIAL_ROWS talents: enough for MLAS's full speed, a fraction of a block's cost.
          const tq = q.rows > TRIAL_ROWS ? sliceBlock(q, 0, TRIAL_ROWS, this.opts.dims) : q;
          const trial = graphOf(tq, tq === q ? tin : this.talentInputs(tq));
          await this.trial(trial.run, trial.boundsOf, trial.overBudget, (o, b) => this.collect(o, tq, start, slice, b, scale, t2j, j2t, true), jobs.slices.length);
          // The kernel not kept: the trial slice's inputs become the kept kernel's, and so do the other slices' (built for fp32).
          jobs.useInputs((b) => this.jobInputs(b, this.kernel), (s) => (this.kernel === 'fp32') === (s === slice));
        }
        let out = await run(this.kernel);
        let bounds = boundsOf(this.kernel);
        if (this.kernel === 'int8') {
          if (overBudget(out, bounds)) {
            this.stats.redoneFp32++;
            out = await run('fp32');
            bounds = fp32Bounds(this.opts.dims, this.weighted);
            if (++this.redoneInARow >= INT8_GIVE_UP) {
              this.kernel = 'fp32';
              this.kernelWhy += `; switched to fp32 after ${INT8_GIVE_UP} int8 runs in a row left too many candidates (the data's scores are too crowded for the int8 bound)`;
              this.stats.kernel = 'fp32';
              this.stats.kernelWhy = this.kernelWhy;
            }
          } else this.redoneInARow = 0;
        }
        const t = performance.now();
        this.collect(out, q, start, slice, bounds, scale, t2j, j2t);
        this.stats.rescoreMs += performance.now() - t;
      }
    }
    const range = { lo: talents.ids[0], hi: talents.ids[talents.rows - 1] };
    return {
      t2j: t2j.toLists(talents.ids),
      j2tDiff: talents.rows ? j2t.toLists(jobs.jobs.ids, range) : t2j.toLists([]),
      stats: { ...this.stats },
    };
  }

  async close(): Promise<void> {
    for (const s of Object.values(this.sessions)) {
      await s.general.release();
      await s.full.release();
    }
  }

  private resetStats(): void {
    this.stats = { kernel: this.kernel, kernelWhy: this.kernelWhy, subjects: 0, rescored: 0, reused: 0, fallbacks: 0, redoneFp32: 0, graphMs: 0, rescoreMs: 0 };
  }

  /**
   * `--kernel auto`: scores the first slice with each kernel (once to warm up,
   * once timed: the graph, then the choice and exact re-score of its candidates,
   * without offering them) and keeps the one whose graph,
   * re-score and talent quantising took less. A bare multiply does not decide it:
   * int8's graph does three multiplies' worth of work, quantises, and hands out
   * more candidates. The trial's graph runs count in the block's graph time.
   */
  private async trial(
    run: (k: KernelKind) => Promise<ort.InferenceSession.OnnxValueMapType>,
    boundsOf: (k: KernelKind) => CandidateBounds,
    overBudget: (o: ort.InferenceSession.OnnxValueMapType, b: CandidateBounds) => boolean,
    dryCollect: (o: ort.InferenceSession.OnnxValueMapType, b: CandidateBounds) => void,
    slices: number,
  ): Promise<void> {
    const kernels: KernelKind[] = ['fp32', 'int8'];
    // Warm up both, graph and re-score: a first run pays for session arenas and packing, a first re-score for compiling it.
    for (const k of kernels) dryCollect(await run(k), boundsOf(k));
    const trials: KernelTrial[] = [];
    for (const k of kernels) {
      let t = performance.now();
      const out = await run(k);
      const graphMs = performance.now() - t;
      const bounds = boundsOf(k);
      t = performance.now();
      dryCollect(out, bounds);
      trials.push({ kernel: k, graphMs, rescoreMs: performance.now() - t, pairs: this.pairs.size, extraMs: k === 'int8' ? this.quantiseMs / slices : 0, overBudget: k === 'int8' && overBudget(out, bounds) });
    }
    const choice = pickKernel(trials);
    this.kernel = choice.kernel;
    this.kernelWhy = choice.why;
    this.stats.kernel = choice.kernel;
    this.stats.kernelWhy = choice.why;
    if (choice.kernel === 'fp32') {
      // The int8 inputs of the jobs (two digits per value) are not needed any more.
      await this.sessions.int8?.general.release();
      await this.sessions.int8?.full.release();
      delete this.sessions.int8;
    }
  }

  /**
   * Pairs the exact fallback would score for this run's subjects that a cheap,
   * sound test cannot settle: after offering, a list's last exact score is at
   * least its cap-th candidate's lower bound (v_cap − bound), and TopK's last
   * value plus the bound must fall below that (or below the list's current floor).
   */
  private unsettledPairs(out: ort.InferenceSession.OnnxValueMapType, q: EmbeddingBlock, slice: JobSlice, b: CandidateBounds, scale: number, qOffset: number, t2j: CandidateTable, j2t: CandidateTable): number {
    let pairs = 0;
    const side = (val: Float32Array, k: number, subjects: number, others: number, bound: (x: number) => number, floor: (x: number) => number): number => {
      if (k >= others) return 0;
      let n = 0;
      for (let x = 0; x < subjects; x++) {
        const last = val[x * k + k - 1] * scale;
        if (last < NO_MATCH_BELOW) continue;
        const e = bound(x);
        const capLower = this.cap <= k ? val[x * k + this.cap - 1] * scale - e : -Infinity;
        if (!(last + e < Math.max(floor(x), capLower))) n++;
      }
      return n * others;
    };
    pairs += side(out.t2jVal.data as Float32Array, out.t2jVal.dims[1], q.rows, slice.block.rows, (i) => b.row(i), (i) => t2j.floor(qOffset + i));
    pairs += side(out.j2tVal.data as Float32Array, out.j2tVal.dims[1], slice.real, q.rows, (c) => b.col(c), (c) => j2t.floor(slice.offset + c));
    return pairs;
  }

  private ready(): { jobs: JobSlices; j2t: CandidateTable } {
    if (!this.jobs || !this.j2t) throw new Error('setJobs() must come first');
    return { jobs: this.jobs, j2t: this.j2t };
  }

  private jobInputs(b: EmbeddingBlock, kernel: KernelKind): KernelInputs {
    const fp32Feeds: Record<string, ort.Tensor> = {};
    for (const f of this.weighted) fp32Feeds[`c${f}`] = new ort.Tensor('float32', b.facets[f], [b.rows, this.opts.dims[f]]);
    if (kernel === 'fp32') return { feeds: fp32Feeds, quantised: null, fp32Feeds: null };
    const feeds: Record<string, ort.Tensor> = {};
    const rows = Array.from({ length: F }, (_, f) => (this.weighted.includes(f) ? quantiseRows(b.facets[f], b.rows, this.opts.dims[f], 's8-cols') : null));
    for (const f of this.weighted) {
      feeds[`c${f}`] = new ort.Tensor('int8', rows[f]!.codes as Int8Array, [this.opts.dims[f], b.rows]);
      feeds[`cc${f}`] = new ort.Tensor('int8', rows[f]!.both as Int8Array, [2 * this.opts.dims[f], b.rows]);
      feeds[`cs${f}`] = new ort.Tensor('float32', rows[f]!.scales, [1, b.rows]);
    }
    return { feeds, quantised: quantisedSide(rows, b.mask), fp32Feeds };
  }

  private talentInputs(q: EmbeddingBlock): TalentInputs {
    if (this.pqBuf.length < q.rows * F) this.pqBuf = new Float32Array(q.rows * F);
    const pq = this.pqBuf.subarray(0, q.rows * F);
    for (let i = 0; i < q.rows; i++) {
      for (let f = 0; f < F; f++) pq[i * F + f] = q.mask[i] & (1 << f) ? this.opts.weights[f] : 0;
    }
    const fp32Feeds: Record<string, ort.Tensor> = { pq: new ort.Tensor('float32', pq, [q.rows, F]) };
    for (const f of this.weighted) fp32Feeds[`q${f}`] = new ort.Tensor('float32', q.facets[f], [q.rows, this.opts.dims[f]]);
    if (this.kernel === 'fp32') return { feeds: fp32Feeds, quantised: null, fp32Feeds: null };
    const t = performance.now();
    const feeds: Record<string, ort.Tensor> = { pq: fp32Feeds.pq };
    const rows = Array.from({ length: F }, (_, f) => (this.weighted.includes(f) ? quantiseRows(q.facets[f], q.rows, this.opts.dims[f], 'u8-rows') : null));
    for (const f of this.weighted) {
      const r = rows[f]!;
      const qs = new Float32Array(q.rows);
      for (let i = 0; i < q.rows; i++) qs[i] = this.scales[f] * r.scales[i];
      feeds[`q${f}`] = new ort.Tensor('uint8', r.codes as Uint8Array, [q.rows, this.opts.dims[f]]);
      feeds[`qq${f}`] = new ort.Tensor('uint8', r.both as Uint8Array, [q.rows, 2 * this.opts.dims[f]]);
      feeds[`qs${f}`] = new ort.Tensor('float32', qs, [q.rows, 1]);
    }
    const quantised = quantisedSide(rows, q.mask);
    this.quantiseMs = performance.now() - t;
    return { feeds, quantised, fp32Feeds };
  }

  /**
   * Both directions' candidates of one graph run, re-scored exactly where they
   * can still enter a list, in three steps: choose the pairs, score them (each
   * once, for both directions, row tile by row tile: scorePairs), offer them.
   * A subject's candidates are chosen against a floor no exact score can leave
   * below: the capacity-th best of its list's scores and its candidates' lower
   * bounds (approximate mean − the subject's largest bound). A candidate whose
   * approximate mean plus its bound is below it cannot enter the list, and TopK
   * hands candidates out best first, so once one cannot, none after it can. The
   * candidates TopK left out are then proven out the same way from its last
   * value and the list's floor; if they cannot be, the subject is scored exactly
   * against all of the other side (a fallback).
   */
  private collect(out: ort.InferenceSession.OnnxValueMapType, q: EmbeddingBlock, qOffset: number, slice: JobSlice, b: CandidateBounds, scale: number, t2j: CandidateTable, j2t: CandidateTable, dry = false): void {
    const c = slice.block;
    const pairs = this.pairs;
    pairs.reset(c.rows);
    const t2jSide: Side = {
      val: out.t2jVal.data as Float32Array, idx: low32(out.t2jIdx.data as BigInt64Array), k: out.t2jIdx.dims[1], scale,
      subjects: q.rows, others: c.rows, mask: q.mask, table: t2j, offset: qOffset,
      bound: (i) => b.row(i), pair: (i, col) => b.pair(i, col), pairOf: (i, col) => pairs.add(i, col), otherId: (col) => c.ids[col],
    };
    // Padding jobs (col >= real) have no list.
    const j2tSide: Side = {
      val: out.j2tVal.data as Float32Array, idx: low32(out.j2tIdx.data as BigInt64Array), k: out.j2tIdx.dims[1], scale,
      subjects: slice.real, others: q.rows, mask: c.mask, table: j2t, offset: slice.offset,
      bound: (col) => b.col(col), pair: (col, i) => b.pair(i, col), pairOf: (col, i) => pairs.add(i, col), otherId: (i) => q.ids[i],
    };
    const offers = this.offers;
    offers.length = 0;
    if (dry) {
      // Time only (auto's trial): what choosing and scoring cost, with nothing offered or counted.
      const stats = { ...this.stats };
      this.choose(t2jSide, offers);
      this.choose(j2tSide, offers);
      this.scorePairs(q, slice);
      this.stats = stats;
      return;
    }
    const t2jEnd = this.choose(t2jSide, offers);
    this.choose(j2tSide, offers);
    this.scoreAndOffer(offers, 0, t2jEnd, offers.length, q, slice, t2j, j2t);
    const fallbacks = offers;
    fallbacks.length = 0;
    const t2jFallbackEnd = this.fallbacks(t2jSide, fallbacks);
    this.fallbacks(j2tSide, fallbacks);
    this.scoreAndOffer(fallbacks, 0, t2jFallbackEnd, fallbacks.length, q, slice, t2j, j2t);
  }

  /** Appends (subject, pair, candidate id) triples for the candidates of one direction that can still enter a list; returns offers.length. */
  private choose(d: Side, offers: number[]): number {
    const { val, idx, k } = d;
    if (this.lower.length < k) this.lower = new Float64Array(k);
    const lower = this.lower;
    for (let s = 0; s < d.subjects; s++) {
      if (!(d.mask[s] & this.requiredMask)) continue;
      this.stats.subjects++;
      const subject = d.offset + s;
      const sb = d.bound(s);
      let m = 0;
      while (m < k && !(val[s * k + m] * d.scale < NO_MATCH_BELOW)) {
        lower[m] = val[s * k + m] * d.scale - sb;
        m++;
      }
      const floor = d.table.floorWith(subject, lower, m);
      for (let r = 0; r < m; r++) {
        const v = val[s * k + r] * d.scale;
        if (v + sb < floor) break;
        const o = idx[2 * (s * k + r)];
        if (v + d.pair(s, o) < floor) continue;
        offers.push(subject, d.pairOf(s, o), d.otherId(o));
      }
    }
    return offers.length;
  }

  /** Appends the offers of the subjects whose left-out candidates the bound cannot rule out: every candidate TopK did not hand out. */
  private fallbacks(d: Side, offers: number[]): number {
    const { val, idx, k } = d;
    if (k >= d.others) return offers.length;
    const seen = new Uint8Array(d.others);
    for (let s = 0; s < d.subjects; s++) {
      if (!(d.mask[s] & this.requiredMask)) continue;
      const last = val[s * k + k - 1] * d.scale;
      if (last < NO_MATCH_BELOW || last + d.bound(s) < d.table.floor(d.offset + s)) continue;
      this.stats.fallbacks++;
      seen.fill(0);
      for (let r = 0; r < k; r++) seen[idx[2 * (s * k + r)]] = 1;
      for (let o = 0; o < d.others; o++) if (!seen[o]) offers.push(d.offset + s, d.pairOf(s, o), d.otherId(o));
    }
    return offers.length;
  }

  /** Scores the pairs not scored yet, then offers triples [from, to): those before `split` to t2j, the rest to j2t. */
  private scoreAndOffer(offers: number[], from: number, split: number, to: number, q: EmbeddingBlock, slice: JobSlice, t2j: CandidateTable, j2t: CandidateTable): void {
    const pairs = this.pairs;
    const scoredBefore = pairs.scored;
    this.scorePairs(q, slice);
    this.stats.rescored += pairs.scored - scoredBefore;
    this.stats.reused += (to - from) / 3 - (pairs.scored - scoredBefore);
    for (let e = from; e < to; e += 3) {
      const p = offers[e + 1];
      const mean = pairs.mean[p];
      if (Number.isNaN(mean)) continue;
      const table = e < split ? t2j : j2t;
      const at = table.offer(offers[e], mean, offers[e + 2]);
      if (at >= 0) table.cents.set(pairs.cents.subarray(p * F, (p + 1) * F), at * F);
    }
  }

  /**
   * The exact scores of the pairs added since the last call. Facet by facet,
   * talents in tiles (TILE_BYTES) and, inside a tile, one job row at a time
   * against all of its pairs' talent rows: each job row is read once per tile
   * instead of once per pair. Every dot product is exactDot's, whatever the
   * grouping.
   */
  private scorePairs(q: EmbeddingBlock, slice: JobSlice): void {
    const pairs = this.pairs;
    const from = pairs.scored;
    const to = pairs.size;
    if (to === from) return;
    const c = slice.block;
    const dims = this.opts.dims;
    const maxDim = Math.max(...dims);
    const tile = Math.max(16, Math.floor(TILE_BYTES / (4 * maxDim)));
    const groups = Math.ceil(q.rows / tile);
    // Counting sort of the new pairs by (talent tile, job column).
    const keys = groups * c.rows;
    if (this.keyStart.length < keys + 1) this.keyStart = new Int32Array(keys + 1);
    const start = this.keyStart.subarray(0, keys + 1);
    start.fill(0);
    const keyOf = (p: number) => Math.floor(pairs.i[p] / tile) * c.rows + pairs.col[p];
    for (let p = from; p < to; p++) start[keyOf(p) + 1]++;
    for (let x = 0; x < keys; x++) start[x + 1] += start[x];
    if (this.order.length < to - from) this.order = new Int32Array(pairs.i.length);
    const order = this.order;
    const fill = start.slice(0, keys);
    for (let p = from; p < to; p++) order[fill[keyOf(p)]++] = p;
    if (this.offs.length < tile) [this.offs, this.dotOut, this.runPairs] = [new Float64Array(tile), new Float64Array(tile), new Int32Array(tile)];
    const { offs, dotOut, runPairs } = this;
    const arena = this.arena!;
    const cos = pairs.cos;
    for (let f = 0; f < F; f++) {
      const d = dims[f];
      if (d === 0) continue;
      const bit = 1 << f;
      for (let x = 0; x < keys; x++) {
        const [a, z] = [start[x], start[x + 1]];
        if (a === z) continue;
        const col = pairs.col[order[a]];
        if (!(c.mask[col] & bit)) {
          for (let y = a; y < z; y++) cos[order[y] * F + f] = 0;
          continue;
        }
        let m = 0;
        for (let y = a; y < z; y++) {
          const p = order[y];
          const i = pairs.i[p];
          if (q.mask[i] & bit) {
            offs[m] = this.talentAt[f] + i * d;
            runPairs[m++] = p;
          } else cos[p * F + f] = 0;
        }
        arena.dots(this.jobAt[f] + (slice.offset + col) * d, offs, m, d, dotOut);
        for (let y = 0; y < m; y++) cos[runPairs[y] * F + f] = dotOut[y];
      }
    }
    const one = this.cos;
    for (let p = from; p < to; p++) {
      const shared = q.mask[pairs.i[p]] & c.mask[pairs.col[p]];
      for (let f = 0; f < F; f++) one[f] = cos[p * F + f];
      pairs.mean[p] = exactMean(one, shared, this.opts.weights);
      for (let f = 0; f < F; f++) pairs.cents[p * F + f] = shared & (1 << f) ? facetCents(one[f]) : -1;
    }
    pairs.scored = to;
  }

  /** Copies the talent rows into the arena, where the exact re-score reads them. */
  private placeTalents(q: EmbeddingBlock): void {
    const { arena } = this;
    this.opts.dims.forEach((d, f) => arena!.f32.set(q.facets[f].subarray(0, q.rows * d), this.talentAt[f]));
  }
}

interface TalentInputs {
  feeds: Record<string, ort.Tensor>;
  quantised: QuantisedSide | null;
  fp32Feeds: Record<string, ort.Tensor> | null;
}

/** One direction of a graph run's candidates, as TopK handed them out. */
interface Side {
  val: Float32Array;
  idx: Int32Array;
  k: number;
  /** Turns the graph's values into means (the constant denominator of the full graph). */
  scale: number;
  subjects: number;
  others: number;
  mask: Uint8Array;
  table: CandidateTable;
  offset: number;
  bound: (subject: number) => number;
  pair: (subject: number, other: number) => number;
  /** The pair (talent row, job column) of subject and other, added to the run's pairs. */
  pairOf: (subject: number, other: number) => number;
  otherId: (other: number) => number;
}

/** Unique (talent row, job column) pairs of one graph run with their exact scores: pairs [0, scored) are scored. */
class PairSet {
  private readonly index = new Map<number, number>();
  private cols = 0;
  size = 0;
  scored = 0;
  i = new Int32Array(1024);
  col = new Int32Array(1024);
  cos = new Float64Array(1024 * F);
  mean = new Float64Array(1024);
  cents = new Int16Array(1024 * F);

  reset(cols: number): void {
    this.index.clear();
    this.cols = cols;
    this.size = 0;
    this.scored = 0;
  }

  add(i: number, col: number): number {
    const key = i * this.cols + col;
    const p = this.index.get(key);
    if (p !== undefined) return p;
    if (this.size === this.i.length) this.grow();
    this.i[this.size] = i;
    this.col[this.size] = col;
    this.index.set(key, this.size);
    return this.size++;
  }

  private grow(): void {
    const n = this.i.length * 2;
    const more = <T extends Int32Array | Float64Array | Int16Array>(a: T, len: number): T => {
      const b = new (a.constructor as new (n: number) => T)(len);
      b.set(a);
      return b;
    };
    this.i = more(this.i, n);
    this.col = more(this.col, n);
    this.cos = more(this.cos, n * F);
    this.mean = more(this.mean, n);
    this.cents = more(this.cents, n * F);
  }
}

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
