import { describe, expect, it } from 'vitest';
import { int8Bounds, quantisedSide } from '../../../src/engine/candidateBounds.js';
import { exactDot, exactMean } from '../../../src/engine/exactScore.js';
import { quantiseRows } from '../../../src/engine/quantiseRows.js';
import { FACET_COUNT } from '../../../src/facets.js';
import { LO_RADIX, U8_ZERO_POINT } from '../../../src/kernel/buildMatchGraph.js';
import { rng } from './randomBlocks.js';

const dims = [64, 48, 0, 32, 16, 8];
const weights = [2, 1, 1, 0.5, 1, 3];
const weighted = [0, 1, 3, 4, 5];

/** Rows of every kind the bound must hold for: dense gaussian, one huge component, sparse, near-constant, all-equal magnitude. */
function rows(rand: () => number, n: number, d: number): Float32Array {
  const x = new Float32Array(n * d);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  for (let r = 0; r < n; r++) {
    const v = x.subarray(r * d, (r + 1) * d);
    const kind = r % 5;
    for (let i = 0; i < d; i++) v[i] = kind === 3 ? 1 + 1e-3 * gauss() : kind === 4 ? (rand() < 0.5 ? -1 : 1) : kind === 2 && rand() < 0.8 ? 0 : gauss();
    if (kind === 1) v[(r * 3) % d] = 50 * (rand() < 0.5 ? -1 : 1);
    let s = 0;
    for (const a of v) s += a * a;
    for (let i = 0; i < d; i++) v[i] /= Math.sqrt(s) || 1;
  }
  return x;
}

describe('the int8 bound', () => {
  it('is never below the real error of the two-digit product, on random data of every kind', () => {
    const rand = rng(7);
    const nq = 40;
    const nc = 45;
    const q = dims.map((d) => (d ? rows(rand, nq, d) : new Float32Array(0)));
    const c = dims.map((d) => (d ? rows(rand, nc, d) : new Float32Array(0)));
    const qMask = Uint8Array.from({ length: nq }, (_, i) => (i % 7 === 0 ? 0b101011 : 0b111011));
    const cMask = Uint8Array.from({ length: nc }, (_, j) => (j % 5 === 0 ? 0b011010 : 0b111011));
    const qr = dims.map((d, f) => (weighted.includes(f) ? quantiseRows(q[f], nq, d, 'u8-rows') : null));
    const cr = dims.map((d, f) => (weighted.includes(f) ? quantiseRows(c[f], nc, d, 's8-cols') : null));
    const b = int8Bounds(quantisedSide(qr, qMask), quantisedSide(cr, cMask), weights, weighted);
    let worst = 0;
    let digitMismatches = 0;
    for (let i = 0; i < nq; i++) {
      for (let j = 0; j < nc; j++) {
        const shared = qMask[i] & cMask[j];
        const exact = new Float64Array(FACET_COUNT);
        const approx = new Float64Array(FACET_COUNT);
        for (const f of weighted) {
          if (!(shared & (1 << f))) continue;
          const d = dims[f];
          exact[f] = exactDot(q[f], i * d, c[f], j * d, d);
          // What the graph computes, in float64: s_q·s_c·(hi·hi + (hi·lo + lo·hi) / 128).
          const a = qr[f]!;
          const z = cr[f]!;
          let hh = 0;
          let mid = 0;
          for (let k = 0; k < d; k++) {
            const qHi = a.both[i * 2 * d + k] - U8_ZERO_POINT;
            const qLo = a.both[i * 2 * d + d + k] - U8_ZERO_POINT;
            const cLo = z.both[k * nc + j];
            const cHi = z.both[(d + k) * nc + j];
            if (a.codes[i * d + k] - U8_ZERO_POINT !== qHi || z.codes[k * nc + j] !== cHi) digitMismatches++;
            hh += qHi * cHi;
            mid += qHi * cLo + qLo * cHi;
          }
          approx[f] = a.scales[i] * z.scales[j] * (hh + mid / LO_RADIX);
        }
        const e = exactMean(exact, shared, weights);
        if (Number.isNaN(e)) continue;
        const err = Math.abs(e - exactMean(approx, shared, weights));
        const pair = b.pair(i, j);
        if (!(err <= pair && pair <= b.row(i) * (1 + 1e-12) && pair <= b.col(j) * (1 + 1e-12))) expect({ i, j, err, pair, row: b.row(i), col: b.col(j) }).toBeUndefined();
        worst = Math.max(worst, err / pair);
      }
    }
    expect(digitMismatches).toBe(0);
    // Tight enough to matter: within ~2 orders of magnitude of the real error at worst.
    expect(worst).toBeGreaterThan(0.01);
  });

  it('is about fp32-tight for unit vectors: two digits leave ~16 bits', () => {
    const rand = rng(3);
    const d = 1536;
    const x = rows(rand, 10, d);
    const r = quantiseRows(x, 10, d, 'u8-rows');
    for (let i = 0; i < 10; i++) if (i % 5 === 0) expect(r.residual[i]).toBeLessThan(1e-4);
  });
});
