import { describe, expect, it } from 'vitest';
import { exactDot, exactMean } from '../../../src/engine/exactScore.js';
import { scorePair } from '../../../src/engine/scorePair.js';
import { ExactArena } from '../../../src/engine/wasmDot.js';
import { rng } from './randomBlocks.js';

/** Σ a_i·b_i with a compensated (Neumaier) sum: each float32 product is exact in float64, the sum nearly so. */
function referenceDot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] * b[i];
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

function unit(rand: () => number, d: number, spike = false): Float32Array {
  const v = Float32Array.from({ length: d }, () => (rand() * 2 - 1) * (spike ? 1e-3 : 1));
  if (spike) v[Math.floor(rand() * d)] = 1;
  let n = 0;
  for (const x of v) n += x * x;
  for (let i = 0; i < d; i++) v[i] /= Math.sqrt(n);
  return v;
}

describe('exactDot: float64 accumulation over float32 values, in a fixed order', () => {
  it('is within 1e-12 of the compensated float64 reference, for any length (tails included)', () => {
    const rand = rng(7);
    for (const d of [1, 3, 4, 5, 127, 1536, 3072]) {
      for (let k = 0; k < 20; k++) {
        const a = unit(rand, d, k % 3 === 0);
        const b = k % 5 === 0 ? a : unit(rand, d);
        expect(Math.abs(exactDot(a, 0, b, 0, d) - referenceDot(a, b)), `d=${d}`).toBeLessThan(1e-12);
      }
    }
  });

  it('has the same bits wherever the rows sit (offsets into bigger arrays)', () => {
    const rand = rng(8);
    const a = unit(rand, 300);
    const b = unit(rand, 300);
    const big = new Float32Array(1000);
    big.set(a, 517);
    expect(exactDot(big, 517, b, 0, 300)).toBe(exactDot(a, 0, b, 0, 300));
    expect(exactDot(b, 0, big, 517, 300)).toBe(exactDot(a, 0, b, 0, 300));
  });
});

describe('the WebAssembly twin of exactDot (the engine re-scores with it)', () => {
  it('returns the same bits as the JS function, every length and offset', () => {
    const rand = rng(10);
    const arena = new ExactArena(20_000);
    const a = arena.alloc(10_000);
    const b = arena.alloc(10_000);
    for (let i = 0; i < a.length; i++) [a[i], b[i]] = [(rand() * 2 - 1) * 10 ** (rand() * 6 - 3), rand() * 2 - 1];
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 1536, 3071]) {
      for (let k = 0; k < 20; k++) {
        const [ao, bo] = [Math.floor(rand() * 5000), Math.floor(rand() * 5000)];
        expect(arena.dot(a.byteOffset / 4 + ao, b.byteOffset / 4 + bo, n), `n=${n}`).toBe(exactDot(a, ao, b, bo, n));
      }
    }
  });

  it('dots (one row against many, two at a time) returns dot\'s bits for every count, length and offset', () => {
    const rand = rng(11);
    const arena = new ExactArena(20_000);
    const a = arena.alloc(10_000);
    const b = arena.alloc(10_000);
    for (let i = 0; i < a.length; i++) [a[i], b[i]] = [(rand() * 2 - 1) * 10 ** (rand() * 6 - 3), rand() * 2 - 1];
    for (const n of [0, 1, 7, 8, 9, 17, 1536]) {
      for (const count of [0, 1, 2, 3, 8, 9]) {
        const ao = Math.floor(rand() * 5000);
        const others = Array.from({ length: count }, () => b.byteOffset / 4 + Math.floor(rand() * 5000));
        const out = new Float64Array(count + 1).fill(-7);
        arena.dots(a.byteOffset / 4 + ao, others, count, n, out, 1);
        expect(out[0]).toBe(-7);
        others.forEach((o, c) => expect(out[c + 1], `n=${n} count=${count} c=${c}`).toBe(exactDot(a, ao, arena.f32, o, n)));
      }
    }
  });
});

describe('exactMean: weighted mean over the shared facets with weight > 0', () => {
  const cos = [0.5, -0.25, 0.9, 0.1, 1, -1];
  it('skips missing facets and zero weights, and sums in facet order', () => {
    expect(exactMean(cos, 0b111111, [1, 1, 1, 1, 1, 1])).toBe((0.5 - 0.25 + 0.9 + 0.1 + 1 - 1) / 6);
    expect(exactMean(cos, 0b000101, [2, 1, 1, 1, 1, 1])).toBe((2 * 0.5 + 0.9) / 3);
    expect(exactMean(cos, 0b000111, [2, 0, 1, 1, 1, 1])).toBe((2 * 0.5 + 0.9) / 3);
  });
  it('is NaN (no match) without a shared facet of weight > 0, and clamps to [-1, 1]', () => {
    expect(exactMean(cos, 0, [1, 1, 1, 1, 1, 1])).toBeNaN();
    expect(exactMean(cos, 0b10, [1, 0, 1, 1, 1, 1])).toBeNaN();
    expect(exactMean([1.0000001, 1, 1, 1, 1, 1], 0b1, [1, 1, 1, 1, 1, 1])).toBe(1);
    expect(exactMean([-1.0000001, 1, 1, 1, 1, 1], 0b1, [1, 1, 1, 1, 1, 1])).toBe(-1);
  });
});

describe('one function: exactDot, exactMean, scorePair and a float64 reference agree', () => {
  it('per facet and in total, with missing facets and zero weights', () => {
    const rand = rng(9);
    const dims = [40, 0, 33, 16, 7, 64];
    const weights = [2, 1, 0, 0.5, 1.5, 1];
    for (let k = 0; k < 50; k++) {
      const side = (mask: number) => ({ mask, facets: dims.map((d, f) => (mask & (1 << f) && d ? unit(rand, d, k % 4 === 0) : new Float32Array(d))) });
      const t = side(Math.floor(rand() * 64) & 0b111101);
      const j = side(Math.floor(rand() * 64) & 0b111101);
      const shared = t.mask & j.mask;
      const cos = dims.map((d, f) => (shared & (1 << f) ? exactDot(t.facets[f], 0, j.facets[f], 0, d) : 0));
      const s = scorePair(t, j, weights, dims);
      let num = 0;
      let den = 0;
      for (let f = 0; f < 6; f++) {
        if (!(shared & (1 << f))) continue;
        const r = referenceDot(t.facets[f], j.facets[f]);
        expect(Math.abs(cos[f] - r)).toBeLessThan(1e-12);
        if (weights[f] > 0) [num, den] = [num + weights[f] * r, den + weights[f]];
      }
      if (den === 0) {
        expect(s).toBeNull();
        continue;
      }
      expect(s!.mean).toBe(exactMean(cos, shared, weights));
      expect(Math.abs(s!.mean - Math.max(-1, Math.min(1, num / den)))).toBeLessThan(1e-12);
    }
  });
});
