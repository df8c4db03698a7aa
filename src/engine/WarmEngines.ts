import type { BlockOutput, EngineFactory, EngineLike, EngineSettings } from './enginePort.js';
import type { SubjectLists } from './SubjectLists.js';
import type { EmbeddingBlock } from './types.js';

/**
 * Keeps engines (their thread, their onnxruntime sessions) between the runs of
 * a long-lived process: a closed engine goes back to an idle pool keyed by its
 * settings, and the next create() with the same settings takes it instead of
 * starting a thread and building sessions again. Every run still hands its own
 * jobs over (setJobs replaces all per-run state), so a reused engine computes
 * what a new one would. An engine that failed is closed, never reused.
 */
export class WarmEngines implements EngineFactory {
  private readonly idle = new Map<string, EngineLike[]>();
  created = 0;
  reused = 0;

  constructor(
    private readonly inner: EngineFactory,
    /** Idle engines kept per settings (an increment uses up to two at once). */
    private readonly keep = 2,
  ) {}

  async create(s: EngineSettings): Promise<EngineLike> {
    // kernelWhy names the pass's size (`auto: fp32 for a pass of 3 talents…`): it does not change what the engine is.
    const { kernelWhy: _why, ...same } = s;
    const key = JSON.stringify(same);
    let engine = this.idle.get(key)?.pop();
    if (engine) this.reused++;
    else {
      engine = await this.inner.create(s);
      this.created++;
    }
    return this.lease(key, engine);
  }

  /** Closes every idle engine (the process is stopping). */
  async closeAll(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    for (const e of all) await e.close().catch(() => undefined);
  }

  private lease(key: string, engine: EngineLike): EngineLike {
    let failed = false;
    let closed = false;
    const guard = async <T>(f: () => Promise<T> | T): Promise<T> => {
      try {
        return await f();
      } catch (e) {
        failed = true;
        throw e;
      }
    };
    return {
      setJobs: (jobs: EmbeddingBlock) => guard(() => engine.setJobs(jobs)),
      seedJobLists: (lists: SubjectLists) => guard(() => engine.seedJobLists(lists)),
      processBlock: (talents: EmbeddingBlock): Promise<BlockOutput> => guard(() => engine.processBlock(talents)),
      close: async () => {
        if (closed) return;
        closed = true;
        const pool = this.idle.get(key) ?? [];
        if (failed || pool.length >= this.keep) return engine.close();
        pool.push(engine);
        this.idle.set(key, pool);
      },
    };
  }
}
