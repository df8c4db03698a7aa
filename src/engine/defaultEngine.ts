import { ExitCode, FitmatchError } from '../errors.js';
import type { KernelChoice } from './chooseKernel.js';
import type { EngineFactory } from './enginePort.js';
import { planBlocks, rowBytes } from './planBlocks.js';
import { WorkerEngine } from './WorkerEngine.js';

/**
 * Driver Buffers of in-flight reads, result text of in-flight writes, V8 heap
 * slack, and engine scratch beyond its estimate: a 2 GB run peaked at 2.28 GB
 * with a 384 MB reserve (20k x 5k).
 */
const ioReserve = (memoryBytes: number) => Math.min(640 * 2 ** 20, Math.floor(memoryBytes * 0.3));

export interface RunPlanInput {
  memoryBytes: number;
  dims: number[];
  talents: number;
  jobs: number;
  topK: number;
  reserve: number;
}

export interface RunPlan {
  /** Talents per kernel call; also the default block size. */
  talentBlockRows: number;
  jobChunkRows: number;
}

function tryPlan(i: RunPlanInput): RunPlan {
  const input = { memoryBytes: i.memoryBytes - ioReserve(i.memoryBytes), dims: i.dims, talentCount: Math.max(1, i.talents), jobCount: Math.max(1, i.jobs), topK: i.topK, reserve: i.reserve };
  const first = planBlocks(input);
  // The pipeline reads the next block while the engine works on this one: a second block comes off the budget.
  const second = planBlocks({ ...input, memoryBytes: input.memoryBytes - first.talentBlockRows * rowBytes(i.dims) });
  return { talentBlockRows: second.talentBlockRows, jobChunkRows: second.jobChunkRows };
}

/** Block sizes for --memory, or a usage error (exit 2) that says how much this data needs. */
export function planRun(i: RunPlanInput): RunPlan {
  try {
    return tryPlan(i);
  } catch {
    let lo = i.memoryBytes;
    let hi = 2 * lo;
    while (!fits({ ...i, memoryBytes: hi })) hi *= 2;
    while (hi - lo > 16 * 2 ** 20) {
      const mid = Math.floor((lo + hi) / 2);
      if (fits({ ...i, memoryBytes: mid })) hi = mid;
      else lo = mid;
    }
    const mb = (b: number) => `${Math.ceil(b / 2 ** 20)}MB`;
    throw new FitmatchError(
      `--memory ${mb(i.memoryBytes)} is too small for ${i.jobs} job postings at dims ${i.dims.join('/')}: this run needs at least --memory ${mb(hi)}`,
      ExitCode.USAGE,
    );
  }
}

function fits(i: RunPlanInput): boolean {
  try {
    tryPlan(i);
    return true;
  } catch {
    return false;
  }
}

/** `--kernel auto` as the first engine of this process decided it on a real slice. */
let autoChoice: KernelChoice | null = null;

/**
 * The onnxruntime engine in a worker thread; loaded on first use, so other
 * commands never load the native binding. `--kernel auto` is timed once per
 * process, by the first engine on its first slice, not once per engine (an
 * incremental run creates several).
 */
export const defaultEngineFactory: EngineFactory = {
  create: async (s) => {
    if (s.kernel === 'auto' && autoChoice) s = { ...s, kernel: autoChoice.kernel, kernelWhy: `${autoChoice.why} (earlier in this process)` };
    const engine = await WorkerEngine.create(s);
    if (s.kernel !== 'auto' || s.kernelWhy) return engine;
    return {
      setJobs: (jobs) => engine.setJobs(jobs),
      seedJobLists: (lists) => engine.seedJobLists(lists),
      processBlock: async (talents) => {
        const out = await engine.processBlock(talents);
        if (out.stats && out.stats.kernelWhy.startsWith('auto: one slice')) autoChoice ??= { kernel: out.stats.kernel, why: out.stats.kernelWhy };
        return out;
      },
      close: () => engine.close(),
    };
  },
};
