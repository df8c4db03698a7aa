import { describe, expect, it } from 'vitest';
import { fastList } from '../../src/backfill/fastList.js';

const viaJson = (s: string): number[] => {
  const v = JSON.parse(s);
  return Array.from(new Float32Array(Array.isArray(v) ? v : v.vector ?? v.values ?? v.embedding));
};

describe('fastList', () => {
  it('gives exactly what JSON.parse + float32 gives, for many random decimals', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 5000 }, (_, i) => {
      const x = (rnd() * 2 - 1) * 10 ** Math.floor(rnd() * 10 - 5);
      return i % 3 === 0 ? x.toPrecision(17) : i % 3 === 1 ? x.toFixed(7) : String(x);
    });
    for (const text of [`[${samples.join(',')}]`, `{"vector": [${samples.join(', ')}]}`, ` { "embedding" :\n[${samples.join(' , ')}] } `]) {
      expect(Array.from(fastList(text)!)).toEqual(viaJson(text));
    }
  });

  it('handles exponents, -0, long mantissas and overflow like JSON.parse', () => {
    const text = '[1e-3, -0, 0.1234567890123456789, 12345678901234567890, 1E+2, 1e39, 5e-324]';
    const got = Array.from(fastList(text)!);
    expect(got).toEqual(viaJson(text));
    expect(Object.is(got[1], -0)).toBe(true);
    expect(got[5]).toBe(Infinity);
  });

  it('declines anything but a plain number list (the general path decides)', () => {
    for (const s of ['[]', '["1", 2]', '[null]', '[1,]', '[01]', '[1 2]', '[1] x', '{"other": [1]}', '{"vector": [1], "x": 2}', '{"vector": "x"}', '[[1]]', '[.5]', '[1.]', '[-]', '5', '']) {
      expect(fastList(s), s).toBeNull();
    }
  });
});
