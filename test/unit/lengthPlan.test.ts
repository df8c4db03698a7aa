import { describe, expect, it } from 'vitest';
import { sampleFirst } from '../../src/backfill/applyWork.js';
import { addRowLengths, emptyHistograms, inferDims } from '../../src/vectors/inferDims.js';
import { planLengths } from '../../src/backfill/lengthPlan.js';
import { extractList, parseAnyLength, parseFacet, vectorFromList, withDim } from '../../src/backfill/parsePayload.js';

const rec = (updatedAt: number, ...lengths: (number | null)[]) => ({ updatedAt, lengths: [...lengths, null, null, null, null, null].slice(0, 6) });

describe('planLengths', () => {
  const recorded = new Map([
    [1, rec(10, 4, 4)],
    [2, rec(10, 4, 3)],
    [3, rec(10, 6, null)],
    [9, rec(10, 6, 6)],
  ]);
  it('reads only new rows and rows whose updated_at moved; subtracts rows that left; the rest is the base', () => {
    const source = new Map([[1, 10], [2, 11], [3, 10], [5, 10]]);
    const p = planLengths(source, recorded, false);
    expect(p.changed).toEqual([2, 5]);
    expect(p.left).toEqual([9]);
    expect([...p.base[0]].sort()).toEqual([[4, 1], [6, 1]]);
    expect([...p.base[1]]).toEqual([[4, 1]]);
  });
  it('--full trusts nothing recorded', () => {
    const p = planLengths(new Map([[1, 10], [2, 10]]), recorded, true);
    expect(p.changed).toEqual([1, 2]);
    expect(p.left).toEqual([3, 9]);
    expect(p.base.every((m) => m.size === 0)).toBe(true);
  });
  it('base plus the changed rows decides exactly as all rows counted from scratch', () => {
    const all = emptyHistograms();
    for (const l of [[4, 4], [5, 3], [6], [4]]) addRowLengths(all, l);
    const p = planLengths(new Map([[1, 10], [2, 11], [3, 10], [5, 10]]), recorded, false);
    addRowLengths(p.base, [5, 3]);
    addRowLengths(p.base, [4]);
    expect(inferDims(p.base)).toEqual(inferDims(all));
    // Taking a length out again leaves no zero-count entry behind.
    addRowLengths(p.base, [5, 3], -1);
    expect(p.base[0].has(5)).toBe(false);
  });
});

describe('sampleFirst', () => {
  it('puts an even sample of the measured rows first, then every other row once, in order', () => {
    const rows = Array.from({ length: 20 }, (_, i) => i + 1);
    const measure = new Set(rows.filter((r) => r % 2 === 0));
    const order = sampleFirst(rows, measure, 4);
    expect(order.slice(0, 4)).toEqual([2, 6, 12, 16]);
    expect([...order].sort((a, b) => a - b)).toEqual(rows);
    expect(order.slice(4)).toEqual(rows.filter((r) => ![2, 6, 12, 16].includes(r)));
    expect(sampleFirst([3, 7, 8], new Set([8]), 4)).toEqual([8, 3, 7]);
  });
});

describe('parseAnyLength + withDim', () => {
  it('equal the general path that checks the length inline (vectorFromList), under any dimension; the length counts every item', () => {
    const payloads = ['[1,2,3]', '[0,0,0]', '["a",1,2]', '[1e39,1,1]', '{"vector":[3,4]}', '[]', '5', null, '[1, 2, 3, 4]'];
    for (const p of payloads) {
      const list = p === null ? 'missing' : extractList(JSON.parse(p));
      for (const dim of [null, 2, 3, 4]) {
        const inline = typeof list === 'string' ? { ok: false, reason: list } : vectorFromList(list, dim);
        expect(withDim(parseAnyLength(p), dim), `${p} @ ${dim}`).toEqual(inline);
      }
    }
    expect(payloads.map((p) => parseAnyLength(p).length)).toEqual([3, 3, 3, 3, 2, 0, null, null, 4]);
    expect(parseFacet('[0,0,0]', 4)).toEqual({ ok: false, reason: 'wrong_dim' });
    expect(parseFacet('[0,0,0]', 3)).toEqual({ ok: false, reason: 'zero_norm' });
  });
});
