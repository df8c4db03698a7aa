import { describe, expect, it } from 'vitest';
import { extractList, parseFacet, pyFloat } from '../../src/backfill/parsePayload.js';

const ok = (raw: unknown, dim: number | null = 4) => {
  const r = parseFacet(raw, dim);
  if (!r.ok) throw new Error(`expected valid, got ${r.reason}`);
  return Array.from(r.vector);
};
const reason = (raw: unknown, dim: number | null = 4) => {
  const r = parseFacet(raw, dim);
  return r.ok ? 'ok' : r.reason;
};
/** Each case as MariaDB hands it over (text) and as MySQL 8 does (decoded). */
const both = (json: string) => [json, JSON.parse(json)];

describe('parseFacet', () => {
  it('accepts a JSON list, normalised to unit length, as text or decoded', () => {
    for (const raw of both('[0, 3, 0, 4]')) expect(ok(raw)).toEqual([0, 0.6, 0, 0.8].map(Math.fround));
  });

  it('accepts an object holding the list under the first present of vector, values, embedding', () => {
    for (const raw of both('{"vector": [1,0,0,0]}')) expect(ok(raw)).toEqual([1, 0, 0, 0]);
    for (const raw of both('{"values": [0,2,0,0], "other": 1}')) expect(ok(raw)).toEqual([0, 1, 0, 0]);
    for (const raw of both('{"embedding": [0,0,0,5]}')) expect(ok(raw)).toEqual([0, 0, 0, 1]);
    // vector is present first: values is never consulted, even though vector is unusable.
    for (const raw of both('{"vector": "x", "values": [1,1,1,1]}')) expect(reason(raw)).toBe('bad_shape');
    for (const raw of both('{"values": [0,1,0,0], "vector": [1,0,0,0]}')) expect(ok(raw)).toEqual([1, 0, 0, 0]);
  });

  it('accepts strings that Python float() accepts', () => {
    for (const raw of both('["1", " 2 ", "1e-3", "+4"]')) {
      const n = Math.hypot(1, 2, Math.fround(1e-3), 4);
      expect(ok(raw)).toEqual([1 / n, 2 / n, Math.fround(1e-3) / n, 4 / n].map(Math.fround));
    }
    for (const raw of both('["1_0", ".5", "5.", "-0"]')) expect(ok(raw).length).toBe(4);
    for (const raw of both('["0x10", 1, 1, 1]')) expect(reason(raw)).toBe('not_numeric');
    for (const raw of both('["", 1, 1, 1]')) expect(reason(raw)).toBe('not_numeric');
    for (const raw of both('["1,5", 1, 1, 1]')) expect(reason(raw)).toBe('not_numeric');
  });

  it('treats empty and other shapes as invalid', () => {
    for (const raw of both('[]')) expect(reason(raw)).toBe('empty');
    for (const raw of both('{"vector": []}')) expect(reason(raw)).toBe('empty');
    for (const raw of both('5')) expect(reason(raw)).toBe('bad_shape');
    // A JSON string holding a list is not a list. (Only the text form is unambiguous: a decoded JS string
    // is indistinguishable from MariaDB text, which is why the reader always CASTs payloads to text.)
    expect(reason('"[1,2,3,4]"')).toBe('bad_shape');
    for (const raw of both('{"other": [1,1,1,1]}')) expect(reason(raw)).toBe('bad_shape');
    for (const raw of both('[[1,2],[3,4]]')) expect(reason(raw)).toBe('not_numeric');
    expect(reason('not json')).toBe('bad_json');
  });

  it('treats NULL (SQL or JSON) as missing', () => {
    expect(reason(null)).toBe('missing');
    expect(reason(undefined)).toBe('missing');
    expect(reason('null')).toBe('missing');
  });

  it('rejects non-numeric items: null, booleans, objects, words', () => {
    for (const json of ['[null,1,1,1]', '[true,1,1,1]', '[{"x":1},1,1,1]', '["a",1,1,1]']) {
      for (const raw of both(json)) expect(reason(raw)).toBe('not_numeric');
    }
  });

  it('rejects items that are not finite once cast to float32', () => {
    for (const raw of both('[1e39, 1, 1, 1]')) expect(reason(raw)).toBe('not_finite');
    for (const raw of both('[-3.5e38, 1, 1, 1]')) expect(reason(raw)).toBe('not_finite');
    for (const s of ['nan', 'inf', '-Infinity', ' NaN ']) expect(reason([s, 1, 1, 1])).toBe('not_finite');
    // 3e38 still fits in float32.
    expect(ok([3e38, 0, 0, 0])).toEqual([1, 0, 0, 0]);
  });

  it('rejects a zero norm, including values that underflow float32', () => {
    for (const raw of both('[0,0,0,0]')) expect(reason(raw)).toBe('zero_norm');
    expect(reason([1e-50, 0, 0, 0])).toBe('zero_norm');
  });

  it('rejects a length different from the facet dimension', () => {
    for (const raw of both('[1,2,3]')) expect(reason(raw, 4)).toBe('wrong_dim');
    expect(ok([1, 2, 2], 3)).toEqual([1 / 3, 2 / 3, 2 / 3].map(Math.fround));
    expect(ok([1, 2, 2], null).length).toBe(3);
  });

  it('accepts Buffers (BLOB-typed casts)', () => {
    expect(ok(Buffer.from('[1,0,0,0]'))).toEqual([1, 0, 0, 0]);
  });
});

describe('pyFloat / extractList', () => {
  it('follows Python float() syntax', () => {
    expect(pyFloat(' 1.5e3 ')).toBe(1500);
    expect(pyFloat('1__0')).toBeUndefined();
    expect(pyFloat('_1')).toBeUndefined();
    expect(pyFloat('Infinity')).toBeNaN();
    expect(pyFloat('1e')).toBeUndefined();
  });
  it('extracts lists only from lists and known keys', () => {
    expect(extractList([1])).toEqual([1]);
    expect(extractList({ embedding: [2] })).toEqual([2]);
    expect(extractList(null)).toBe('missing');
    expect(extractList(3)).toBe('bad_shape');
  });
});
