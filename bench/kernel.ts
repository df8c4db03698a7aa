/**
 * Kernel benchmark: plain ORT Gemm and u8 x s8 MatMulInteger vs the full match
 * kernel and the engine with either candidate kernel (graph + bound + exact
 * re-score), beside the shared numpy/Faiss reference
 * (../shared/bench/gemm-reference.py) in the same run.
 *   npx tsx bench/kernel.ts [--q 2000] [--c 5000] [--k 50] [--repeats 5] [--threads 2] [--no-python]
 */
import { spawnSync } from 'node:child_process';
import { referenceEnv } from './machine.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { buildMatchGraph } from '../src/kernel/buildMatchGraph.js';
import { encodeOnnxModel, OnnxType } from '../src/kernel/encodeOnnxModel.js';
import { MatchEngine } from '../src/engine/MatchEngine.js';
import { measureKernels } from '../src/engine/chooseKernel.js';
import type { EngineStats } from '../src/engine/enginePort.js';
import type { EmbeddingBlock } from '../src/engine/types.js';

export interface KernelBenchOptions {
  q?: number;
  c?: number;
  k?: number;
  repeats?: number;
  threads?: number;
  /** Shapes to run; D is the sum of dims. */
  shapes?: { label: string; dims: number[] }[];
  /** Interpreters for the reference script; default: the script's own (Debian) and python3 on PATH. */
  pythons?: string[];
  python?: boolean;
  log?: (line: string) => void;
}

export interface ShapeResult {
  label: string;
  d: number;
  ortGemmGflops: number;
  /** Constant-denominator graph (all facets present). */
  kernelRunGflops: number;
  /** General graph (masks, MatMul denominator, Where). */
  kernelGeneralGflops: number;
  engineGflops: number;
  /** Bare u8 x s8 MatMulInteger, G(int)OP/s. */
  ortInt8Gops: number;
  /** The engine with the int8 candidate pass (engineGflops: fp32), and what each did. */
  engineInt8Gflops: number;
  engineStats: Record<'fp32' | 'int8', EngineStats | undefined>;
  seconds: { ortGemm: number; kernelRun: number; kernelGeneral: number; engine: number; engineInt8: number };
}

export interface KernelBenchResult {
  q: number;
  c: number;
  k: number;
  threads: number;
  repeats: number;
  shapes: ShapeResult[];
  references: { python: string; blas?: string; skipped?: string; results?: Record<string, Record<string, number>> }[];
}

const DEFAULT_SHAPES = [
  { label: '1x1536', dims: [1536, 0, 0, 0, 0, 0] },
  { label: '6x256', dims: [256, 256, 256, 256, 256, 256] },
  { label: '6x1536', dims: [1536, 1536, 1536, 1536, 1536, 1536] },
];
const REFERENCE = fileURLToPath(new URL('../../shared/bench/gemm-reference.py', import.meta.url));

function unitBlock(rows: number, dims: number[], seed: number): EmbeddingBlock {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const facets = dims.map((d) => {
    const a = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      let n = 0;
      for (let i = 0; i < d; i++) n += (a[r * d + i] = rand()) ** 2;
      const inv = 1 / Math.sqrt(n);
      for (let i = 0; i < d; i++) a[r * d + i] *= inv;
    }
    return a;
  });
  const mask = dims.reduce((m, d, f) => (d > 0 ? m | (1 << f) : m), 0);
  return { rows, ids: Float64Array.from({ length: rows }, (_, i) => i + 1), mask: new Uint8Array(rows).fill(mask), facets };
}

async function median(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  // The first 3-4 runs are 2-4x slower (ORT arena growth, kernel packing): warm up past them.
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function concatRows(b: EmbeddingBlock, dims: number[]): Float32Array {
  const d = dims.reduce((a, x) => a + x, 0);
  const out = new Float32Array(b.rows * d);
  for (let r = 0; r < b.rows; r++) {
    let at = r * d;
    dims.forEach((df, f) => {
      out.set(b.facets[f].subarray(r * df, (r + 1) * df), at);
      at += df;
    });
  }
  return out;
}

async function benchShape(o: Required<Omit<KernelBenchOptions, 'pythons' | 'shapes'>>, label: string, dims: number[]): Promise<ShapeResult> {
  const d = dims.reduce((a, x) => a + x, 0);
  const talents = unitBlock(o.q, dims, 1);
  const jobs = unitBlock(o.c, dims, 2);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: o.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  };

  const gemm = await ort.InferenceSession.create(encodeOnnxModel({
    name: 'gemm',
    nodes: [{ op: 'Gemm', inputs: ['a', 'b'], outputs: ['y'], attrs: { transB: { int: 1 } } }],
    inputs: [{ name: 'a', elemType: OnnxType.FLOAT, shape: ['q', d] }, { name: 'b', elemType: OnnxType.FLOAT, shape: ['c', d] }],
    outputs: [{ name: 'y', elemType: OnnxType.FLOAT, shape: ['q', 'c'] }],
  }), sessionOptions);
  const gemmFeeds = {
    a: new ort.Tensor('float32', concatRows(talents, dims), [o.q, d]),
    b: new ort.Tensor('float32', concatRows(jobs, dims), [o.c, d]),
  };
  const ortGemm = await median(o.repeats, () => gemm.run(gemmFeeds));
  await gemm.release();

  const weights = dims.map((x) => (x > 0 ? 1 : 0));
  // The graph alone, both directions + facet gathers: the constant-denominator graph the engine
  // uses when every row has every weighted facet (as here), and the general masked graph.
  const kernelTime = async (allPresent: boolean) => {
    const kernel = await ort.InferenceSession.create(encodeOnnxModel(buildMatchGraph(weights, dims, allPresent)), sessionOptions);
    const feeds: Record<string, ort.Tensor> = {
      kt: new ort.Tensor('int64', BigInt64Array.of(BigInt(o.k + 16 + 4)), [1]),
      kj: new ort.Tensor('int64', BigInt64Array.of(BigInt(o.k + 16 + 4)), [1]),
    };
    if (!allPresent) {
      feeds.pq = new ort.Tensor('float32', new Float32Array(o.q * 6).fill(1), [o.q, 6]);
      feeds.pcT = new ort.Tensor('float32', new Float32Array(o.c * 6).fill(1), [6, o.c]);
    }
    dims.forEach((df, f) => {
      if (df === 0) return;
      feeds[`q${f}`] = new ort.Tensor('float32', talents.facets[f], [o.q, df]);
      feeds[`c${f}`] = new ort.Tensor('float32', jobs.facets[f], [o.c, df]);
    });
    const t = await median(o.repeats, () => kernel.run(feeds));
    await kernel.release();
    return t;
  };
  const kernelRun = await kernelTime(true);
  const kernelGeneral = await kernelTime(false);

  const ortInt8 = (await measureKernels(o.threads, o.q, o.c, d, o.repeats)).int8;

  const engineStats: ShapeResult['engineStats'] = { fp32: undefined, int8: undefined };
  const engineRun = async (kernel: 'fp32' | 'int8') => {
    // One engine for all repeats, as in production (many blocks per engine): warm sessions and arena.
    // The job lists fill after the first block, as in a run: later blocks re-score fewer pairs.
    const engine = await MatchEngine.create({ topK: o.k, reserve: 16, weights, dims, threads: o.threads, talentBlockRows: o.q, jobChunkRows: o.c, kernel });
    engine.setJobs(jobs);
    const t = await median(o.repeats, async () => (engineStats[kernel] = (await engine.processBlock(talents)).stats));
    await engine.close();
    return t;
  };
  const engineTime = await engineRun('fp32');
  const engineInt8 = await engineRun('int8');
  const g = (s: number) => (2 * o.q * o.c * d) / s / 1e9;
  const perSubject = (s?: EngineStats) => (s ? `${(s.rescored / s.subjects).toFixed(1)} exact re-scores/subject, ${s.fallbacks} exact fallbacks, ${s.redoneFp32} redone fp32, graph ${(s.graphMs / 1000).toFixed(2)}s, re-score ${(s.rescoreMs / 1000).toFixed(2)}s (${((100 * s.rescoreMs) / s.graphMs).toFixed(0)}% of the graph; target <= 20%)` : '-');
  o.log(
    `${label} D=${d}: ORT Gemm ${g(ortGemm).toFixed(1)} GFLOP/s, ORT u8xs8 MatMulInteger ${ortInt8.toFixed(1)} GOP/s, kernel graph ${g(kernelRun).toFixed(1)} ` +
      `(general graph ${g(kernelGeneral).toFixed(1)}), engine fp32 ${g(engineTime).toFixed(1)} [${perSubject(engineStats.fp32)}], ` +
      `engine int8 ${g(engineInt8).toFixed(1)} [${engineStats.int8?.kernel === 'int8' ? '' : 'switched to fp32; '}${perSubject(engineStats.int8)}]`,
  );
  return {
    label, d,
    ortGemmGflops: g(ortGemm), kernelRunGflops: g(kernelRun), kernelGeneralGflops: g(kernelGeneral), engineGflops: g(engineTime),
    ortInt8Gops: ortInt8, engineInt8Gflops: g(engineInt8), engineStats,
    seconds: { ortGemm, kernelRun, kernelGeneral, engine: engineTime, engineInt8 },
  };
}

function runReference(python: string, o: Required<Omit<KernelBenchOptions, 'pythons' | 'shapes'>>, ds: number[]): KernelBenchResult['references'][number] {
  const env = referenceEnv();
  // Reference (netlib) BLAS makes the script run for hours and its ratios meaningless: probe first.
  const probe = spawnSync(python, ['-c', [
    'import numpy as np, time',
    'a = np.ones((1024, 1024), np.float32); a @ a; t = time.perf_counter(); a @ a',
    'print(2 * 1024**3 / (time.perf_counter() - t) / 1e9)',
  ].join('\n')], { env, encoding: 'utf8' });
  if (probe.status !== 0) return { python, skipped: `no numpy: ${probe.stderr.trim().split('\n').pop()}` };
  const probeGflops = Number(probe.stdout.trim());
  if (probeGflops < 5) {
    // Debian's numpy/Faiss link libblas.so.3, which is netlib's reference BLAS until OpenBLAS is installed.
    return { python, blas: `probe ${probeGflops.toFixed(1)} GFLOP/s`, skipped: 'numpy uses the reference BLAS: apt-get install libopenblas0-pthread' };
  }
  const r = spawnSync(python, [REFERENCE, '--q', `${o.q}`, '--c', `${o.c}`, '--k', `${o.k}`, '--repeats', `${o.repeats}`, '--json', '--d', ...ds.map(String)], { env, encoding: 'utf8' });
  if (r.status !== 0) return { python, skipped: `reference failed: ${r.stderr.trim().split('\n').pop()}` };
  return { python, blas: `probe ${probeGflops.toFixed(1)} GFLOP/s`, results: JSON.parse(r.stdout).results };
}

export async function runKernelBench(opts: KernelBenchOptions = {}): Promise<KernelBenchResult> {
  const o = {
    q: 2000, c: 5000, k: 50, repeats: 5, threads: 2, python: true, log: console.log, ...opts,
  };
  const shapes = opts.shapes ?? DEFAULT_SHAPES;
  const dOf = (dims: number[]) => dims.reduce((a, x) => a + x, 0);
  const ds = [...new Set(shapes.map((s) => dOf(s.dims)))];
  const references: KernelBenchResult['references'] = [];
  const results: ShapeResult[] = [];
  // The machine is shared and its load drifts: run the reference for each D right before ORT at that D.
  for (const d of ds) {
    if (o.python && !existsSync(REFERENCE)) references.push({ python: '-', skipped: `${REFERENCE} not found` });
    else if (o.python) {
      for (const python of opts.pythons ?? ['/usr/bin/python3']) {
        o.log(`reference D=${d}: ${python} ${REFERENCE} ...`);
        const ref = runReference(python, o, [d]);
        o.log(ref.skipped ? `  skipped (${ref.skipped}${ref.blas ? `, ${ref.blas}` : ''})` : `  ${JSON.stringify(ref.results)}`);
        references.push(ref);
      }
    }
    for (const s of shapes) if (dOf(s.dims) === d) results.push(await benchShape(o, s.label, s.dims));
  }
  for (const ref of references) {
    if (!ref.results) continue;
    for (const s of results) {
      const row = ref.results[String(s.d)];
      if (!row) continue;
      const ratio = (v: number, x: number | undefined) => (x ? `${((v / x) * 100).toFixed(0)}%` : 'n/a');
      for (const [name, v] of [['ORT fp32 Gemm', s.ortGemmGflops], ['ORT int8 MatMulInteger', s.ortInt8Gops], ['kernel graph', s.kernelRunGflops], ['engine fp32', s.engineGflops], ['engine int8', s.engineInt8Gflops]] as const) {
        o.log(
          `${s.label} ${name} vs ${ref.python}: numpy GEMM ${ratio(v, row.numpy_gemm_gflops)}, ` +
            `numpy GEMM+topk ${ratio(v, row.numpy_gemm_topk_gflops)}, Faiss ${ratio(v, row.faiss_flatip_gflops)}`,
        );
      }
    }
  }
  return { q: o.q, c: o.c, k: o.k, threads: o.threads, repeats: o.repeats, shapes: results, references };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const result = await runKernelBench({
    q: arg('q', 2000), c: arg('c', 5000), k: arg('k', 50), repeats: arg('repeats', 5), threads: arg('threads', 2),
    python: !process.argv.includes('--no-python'),
  });
  console.log(JSON.stringify(result));
}
