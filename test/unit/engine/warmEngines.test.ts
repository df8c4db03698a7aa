import { describe, expect, it } from 'vitest';
import type { EngineLike, EngineSettings } from '../../../src/engine/enginePort.js';
import { WarmEngines } from '../../../src/engine/WarmEngines.js';

/** A stand-in engine that records its calls; WarmEngines only forwards them. */
function fakeFactory() {
  const made: { id: number; closed: boolean; jobs: number }[] = [];
  return {
    made,
    create: async (): Promise<EngineLike> => {
      const rec = { id: made.length, closed: false, jobs: 0 };
      made.push(rec);
      return {
        setJobs: () => void rec.jobs++,
        seedJobLists: () => undefined,
        processBlock: async () => {
          throw new Error('thread died');
        },
        close: async () => void (rec.closed = true),
      };
    },
  };
}
const settings = (over: Partial<EngineSettings> = {}): EngineSettings => ({ topK: 5, reserve: 8, weights: [1, 1, 1, 1, 1, 1], dims: [4, 4, 4, 4, 4, 4], threads: 1, talentBlockRows: 16, jobChunkRows: 16, kernel: 'fp32', ...over });

describe('WarmEngines', () => {
  it('a closed engine is reused by the next create with the same settings (whatever kernelWhy says), not by other settings', async () => {
    const f = fakeFactory();
    const warm = new WarmEngines(f);
    const a = await warm.create(settings({ kernelWhy: 'a pass of 3 talents' }));
    await a.setJobs({} as never);
    await a.close();
    const b = await warm.create(settings({ kernelWhy: 'a pass of 5 talents' }));
    await b.setJobs({} as never);
    expect(f.made).toHaveLength(1);
    expect(f.made[0].jobs).toBe(2);
    const c = await warm.create(settings({ topK: 6 }));
    expect(f.made).toHaveLength(2);
    expect([warm.created, warm.reused]).toEqual([2, 1]);
    await b.close();
    await c.close();
    expect(f.made.some((m) => m.closed)).toBe(false);
    await warm.closeAll();
    expect(f.made.every((m) => m.closed)).toBe(true);
  });

  it('an engine that failed is closed, never handed out again', async () => {
    const f = fakeFactory();
    const warm = new WarmEngines(f);
    const a = await warm.create(settings());
    await expect(a.processBlock({} as never)).rejects.toThrow('thread died');
    await a.close();
    expect(f.made[0].closed).toBe(true);
    await warm.create(settings());
    expect(f.made).toHaveLength(2);
  });

  it('keeps at most `keep` idle engines per settings', async () => {
    const f = fakeFactory();
    const warm = new WarmEngines(f, 1);
    const [a, b] = [await warm.create(settings()), await warm.create(settings())];
    await a.close();
    await b.close();
    expect(f.made.map((m) => m.closed)).toEqual([false, true]);
  });
});
