import * as ort from 'onnxruntime-node';
import { OnnxType, encodeOnnxModel } from '../kernel/encodeOnnxModel.js';
import { U8_ZERO_POINT, type KernelKind } from '../kernel/buildMatchGraph.js';

export interface KernelChoice {
  kernel: KernelKind;
  why: string;
}

/** What scoring one real slice took with one kernel (`--kernel auto`'s trial). */
export interface KernelTrial {
  kernel: KernelKind;
  graphMs: number;
  /** Choosing and exact re-scoring of its candidates. */
  rescoreMs: number;
  /** Pairs its candidates left to re-score exactly. */
  pairs: number;
  /** Work only this kernel does per slice (int8: its share of quantising the talent rows). */
  extraMs: number;
  /** int8: its bound left too many pairs to exact fallbacks (the slice would be redone with fp32). */
  overBudget: boolean;
}

/** The kernel as set, or fp32 when nothing is set; `auto` is decided by the engine on a real slice (pickKernel). */
export function chooseKernel(setting: KernelKind | undefined): KernelChoice {
  return setting ? { kernel: setting, why: 'set by --kernel / FITMATCH_KERNEL' } : { kernel: 'fp32', why: 'default' };
}

/**
 * `--kernel auto`: the kernel whose trial on a real slice took less time in all
 * (graph, re-score, quantising), with the figures that decided it. A bare
 * multiply's rate does not decide it: int8's graph does three multiplies' worth of
 * work plus six passes over the score matrix per facet, quantises the talents and
 * admits more candidates (docs/benchmarks.md).
 */
export function pickKernel(trials: KernelTrial[]): KernelChoice {
  const total = (t: KernelTrial) => t.graphMs + t.rescoreMs + t.extraMs;
  const usable = trials.filter((t) => !t.overBudget);
  const best = usable.reduce((a, b) => (total(b) < total(a) ? b : a), usable[0] ?? trials[0]);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const figures = trials
    .map((t) => `${t.kernel} ${ms(total(t))} (graph ${ms(t.graphMs)}, re-score ${ms(t.rescoreMs)} for ${t.pairs} pairs${t.extraMs ? `, quantising ${ms(t.extraMs)}` : ''}${t.overBudget ? ', bound too loose for this data' : ''})`)
    .join(' vs ');
  return { kernel: best.kernel, why: `auto: one slice timed with each kernel: ${figures}` };
}

/** A bare fp32 Gemm and a bare u8 × s8 MatMulInteger of m×k by k×n, in G(FL)OP/s (median of `repeats`). */
export async function measureKernels(threads: number, m = 512, n = 2048, k = 1536, repeats = 5): Promise<Record<KernelKind, number>> {
  const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', extra: { session: { intra_op: { allow_spinning: '0' } } } };
  const fp32 = await ort.InferenceSession.create(
    encodeOnnxModel({
      name: 'fp32',
      nodes: [{ op: 'Gemm', inputs: ['a', 'b'], outputs: ['y'], attrs: { transB: { int: 1 } } }],
      inputs: [{ name: 'a', elemType: OnnxType.FLOAT, shape: [m, k] }, { name: 'b', elemType: OnnxType.FLOAT, shape: [n, k] }],
      outputs: [{ name: 'y', elemType: OnnxType.FLOAT, shape: [m, n] }],
    }),
    opts,
  );
  const int8 = await ort.InferenceSession.create(
    encodeOnnxModel({
      name: 'int8',
      nodes: [{ op: 'MatMulInteger', inputs: ['a', 'b', 'zp'], outputs: ['y'] }],
      inputs: [{ name: 'a', elemType: OnnxType.UINT8, shape: [m, k] }, { name: 'b', elemType: OnnxType.INT8, shape: [k, n] }],
      outputs: [{ name: 'y', elemType: OnnxType.INT32, shape: [m, n] }],
      initializers: [{ name: 'zp', dims: [], data: Uint8Array.of(U8_ZERO_POINT) }],
    }),
    opts,
  );
  const fill = <T extends Float32Array | Uint8Array | Int8Array>(a: T, f: (i: number) => number): T => {
    for (let i = 0; i < a.length; i++) a[i] = f(i);
    return a;
  };
  const time = async (s: ort.InferenceSession, feeds: Record<string, ort.Tensor>) => {
    await s.run(feeds);
    const ms: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      await s.run(feeds);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return (2 * m * n * k) / (ms[ms.length >> 1] * 1e6);
  };
  try {
    const fp32Rate = await time(fp32, {
      a: new ort.Tensor('float32', fill(new Float32Array(m * k), (i) => ((i * 7919) % 255) / 255 - 0.5), [m, k]),
      b: new ort.Tensor('float32', fill(new Float32Array(n * k), (i) => ((i * 104729) % 255) / 255 - 0.5), [n, k]),
    });
    const int8Rate = await time(int8, {
      a: new ort.Tensor('uint8', fill(new Uint8Array(m * k), (i) => (i * 7919) % 255), [m, k]),
      b: new ort.Tensor('int8', fill(new Int8Array(n * k), (i) => ((i * 104729) % 255) - 127), [k, n]),
    });
    return { fp32: fp32Rate, int8: int8Rate };
  } finally {
    await fp32.release();
    await int8.release();
  }
}
