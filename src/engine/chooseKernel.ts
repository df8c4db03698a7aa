import * as ort from 'onnxruntime-node';
import { OnnxType, encodeOnnxModel } from '../kernel/encodeOnnxModel.js';
import { U8_ZERO_POINT, type KernelKind } from '../kernel/buildMatchGraph.js';

export interface KernelChoice {
  kernel: KernelKind;
  why: string;
  /** Measured G(FL)OP/s of a bare multiply of each kind (auto only). */
  rates?: Record<KernelKind, number>;
}

/**
 * The int8 graph multiplies two 8-bit digits per value (depth d plus depth 2d,
 * three bare MatMulIntegers' worth) plus six passes over the score matrix per
 * facet, and the talent block is quantised in JS. On the 2-core Xeon of
 * docs/benchmarks.md a bare ratio of 6–9× still gave a graph only 1.0–1.4× faster
 * and a block 10–40% slower than fp32: auto takes int8 only well beyond that.
 */
const INT8_MIN_SPEEDUP = 12;

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

/** The kernel to run: as set, or (auto) the one that measures faster here, with the figures that decided it. */
export async function chooseKernel(setting: KernelKind | 'auto' | undefined, threads: number): Promise<KernelChoice> {
  if (setting === 'fp32' || setting === 'int8') return { kernel: setting, why: 'set by --kernel / FITMATCH_KERNEL' };
  if (setting === undefined) return { kernel: 'fp32', why: 'default' };
  const rates = await measureKernels(threads);
  const ratio = rates.int8 / rates.fp32;
  const figures = `u8×s8 MatMulInteger ${rates.int8.toFixed(0)} GOP/s vs fp32 Gemm ${rates.fp32.toFixed(0)} GFLOP/s (${ratio.toFixed(2)}×)`;
  return ratio >= INT8_MIN_SPEEDUP
    ? { kernel: 'int8', why: `auto: ${figures} on this machine`, rates }
    : { kernel: 'fp32', why: `auto: ${figures}, below the ${INT8_MIN_SPEEDUP}× int8 needs to pay for its two-digit graph and quantising`, rates };
}
