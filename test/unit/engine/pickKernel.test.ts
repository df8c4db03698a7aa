import { describe, expect, it } from 'vitest';
import { pickKernel, type KernelTrial } from '../../../src/engine/chooseKernel.js';

const trial = (t: Partial<KernelTrial> & Pick<KernelTrial, 'kernel'>): KernelTrial => ({ graphMs: 100, rescoreMs: 20, pairs: 1000, extraMs: 0, overBudget: false, ...t });

describe('pickKernel: --kernel auto keeps the kernel whose real slice took less in all', () => {
  it('counts graph, re-score and quantising, not the graph alone', () => {
    expect(pickKernel([trial({ kernel: 'fp32', graphMs: 100 }), trial({ kernel: 'int8', graphMs: 60 })]).kernel).toBe('int8');
    // int8's faster graph is eaten by quantising the talents and re-scoring more candidates.
    const c = pickKernel([trial({ kernel: 'fp32', graphMs: 100 }), trial({ kernel: 'int8', graphMs: 60, rescoreMs: 40, extraMs: 25, pairs: 1800 })]);
    expect(c.kernel).toBe('fp32');
    expect(c.why).toBe('auto: one slice timed with each kernel: fp32 120 ms (graph 100 ms, re-score 20 ms for 1000 pairs) vs int8 125 ms (graph 60 ms, re-score 40 ms for 1800 pairs, quantising 25 ms)');
  });

  it('never keeps int8 when its bound left the slice to fallbacks, however fast', () => {
    const c = pickKernel([trial({ kernel: 'fp32', graphMs: 500 }), trial({ kernel: 'int8', graphMs: 10, overBudget: true })]);
    expect(c.kernel).toBe('fp32');
    expect(c.why).toMatch(/int8 \d+ ms \(.*bound too loose for this data\)$/);
  });
});
