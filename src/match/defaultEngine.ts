import { ExitCode, FitmatchError } from '../errors.js';
import type { EngineFactory, EngineSettings } from './enginePort.js';
import { planBlocks, rowBytes } from './planBlocks.js';

/**
 * Driver Buffers of in-flight reads, result text of in-flight writes, V8 heap
 * slack, and engine scratch beyond its estimate: a 2 GB run peaked at 2.28 GB
 * with a 384 MB reserve (20k x 5k).
 */
const ioReserve = (memoryBytes: number) => Math.min(640 * 2 ** 20, Math.floor(memoryBytes * 0.3));

/**
 * The onnxruntime engine behind the pipeline's port. The planner budgets one
 * talent block and the engine; the pipeline also holds a second block (read
 * during compute) and I/O buffers, so those come off the budget first.
 */
function plan(s: EngineSettings & { talents: number; jobs: number }) {
  const input = { memoryBytes: s.memoryBytes - ioReserve(s.memoryBytes), dims: s.dims, talentCount: s.talents, jobCount: s.jobs, topK: s.topK };
  try {
    const first = planBlocks(input);
    const second = planBlocks({ ...input, memoryBytes: input.memoryBytes - first.talentBlockRows * rowBytes(s.dims) });
    return { talentBlockRows: second.talentBlockRows, jobChunkRows: second.jobChunkRows };
  } catch (e) {
    throw new FitmatchError(`--memory ${s.memoryBytes} bytes is too small for ${s.jobs} job postings: ${(e as Error).message}`, ExitCode.USAGE);
  }
}

export const defaultEngineFactory: EngineFactory = {
  plan,
  // Loaded on first use: every other command starts without the onnxruntime native binding.
  create: async (s, p) => {
    const { MatchEngine } = await import('./MatchEngine.js');
    return MatchEngine.create({ ...s, talentBlockRows: p.talentBlockRows, jobChunkRows: p.jobChunkRows });
  },
};
