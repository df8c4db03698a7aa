import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BlockOutput, EngineLike, EngineSettings } from './enginePort.js';
import type { SubjectLists } from './SubjectLists.js';
import type { EmbeddingBlock } from './types.js';

/** A worker does not inherit the parent's module loaders: register tsx's inside the thread, then load the .ts entry. */
function workerFromSource(entry: URL): Worker {
  const api = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  return new Worker(`import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true });
}

export type EngineRequest =
  | { id: number; type: 'create'; settings: EngineSettings }
  | { id: number; type: 'jobs'; jobs: EmbeddingBlock }
  | { id: number; type: 'seed'; lists: SubjectLists }
  | { id: number; type: 'block'; talents: EmbeddingBlock }
  | { id: number; type: 'close' };

export type EngineReply =
  | { id: number; type: 'ok' }
  | { id: number; type: 'block'; out: BlockOutput }
  | { id: number; type: 'error'; message: string; stack?: string };

/**
 * MatchEngine behind a worker thread. Blocks are handed over, not copied: their
 * buffers are transferred to the thread (the caller must not use them again),
 * and results come back the same way. (onnxruntime-node cannot read
 * SharedArrayBuffers.) Run from TypeScript sources (tests, tsx scripts), the
 * worker loads its .ts entry through tsx.
 */
export class WorkerEngine implements EngineLike {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: EngineReply) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: EngineReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      p?.resolve(r);
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the engine thread exited (code ${code})`)));
  }

  static async create(settings: EngineSettings): Promise<WorkerEngine> {
    const worker = import.meta.url.endsWith('.ts') ? workerFromSource(new URL('./engineWorker.ts', import.meta.url)) : new Worker(new URL('./engineWorker.js', import.meta.url));
    const engine = new WorkerEngine(worker);
    try {
      await engine.call({ type: 'create', settings });
    } catch (e) {
      await worker.terminate();
      throw e;
    }
    return engine;
  }

  async setJobs(jobs: EmbeddingBlock): Promise<void> {
    await this.call({ type: 'jobs', jobs }, buffersOf(jobs));
  }

  async seedJobLists(lists: SubjectLists): Promise<void> {
    await this.call({ type: 'seed', lists });
  }

  async processBlock(talents: EmbeddingBlock): Promise<BlockOutput> {
    const r = await this.call({ type: 'block', talents }, buffersOf(talents));
    if (r.type !== 'block') throw new Error('engine thread: unexpected reply');
    return r.out;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.call({ type: 'close' }).catch(() => undefined);
    this.failure ??= new Error('engine closed');
    await this.worker.terminate();
  }

  private call(req: { type: EngineRequest['type'] } & Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<EngineReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<EngineReply>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => (r.type === 'error' ? reject(Object.assign(new Error(`engine thread: ${r.message}`), { stack: r.stack })) : resolve(r)),
        reject,
      });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }
}

function buffersOf(b: EmbeddingBlock): ArrayBuffer[] {
  return [...new Set([b.ids, b.mask, ...b.facets].map((a) => a.buffer as ArrayBuffer))];
}
