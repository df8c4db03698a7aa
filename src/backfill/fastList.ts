/**
 * Allocation-free fast path for the common payload text: a list of plain JSON
 * numbers, bare or as the only key (vector/values/embedding) of an object.
 * Returns the float32 values, or null to make the caller use JSON.parse (any
 * other shape, strings, nulls, malformed text). Values equal JSON.parse's:
 * numbers with at most 15 digits and a decimal exponent within ±22 are
 * converted exactly as m × 10^e or m / 10^-e (Clinger's fast path: both
 * operands are exact doubles, so the one rounding is IEEE-correct); anything
 * else goes through Number() on the slice.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
let scratch = new Float32Array(4096);

const isWs = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past `{ "key" :` for a known key, or -1. */
function objectPrefix(s: string, i: number): number {
  i = skipWs(s, i + 1);
  if (s.charCodeAt(i) !== 34) return -1;
  const end = s.indexOf('"', i + 1);
  if (end < 0) return -1;
  const key = s.slice(i + 1, end);
  if (key !== 'vector' && key !== 'values' && key !== 'embedding') return -1;
  i = skipWs(s, end + 1);
  return s.charCodeAt(i) === 58 ? skipWs(s, i + 1) : -1;
}

export function fastList(s: string): Float32Array | null {
  let i = skipWs(s, 0);
  let inObject = false;
  if (s.charCodeAt(i) === 123) {
    i = objectPrefix(s, i);
    if (i < 0) return null;
    inObject = true;
  }
  if (s.charCodeAt(i) !== 91) return null;
  i = skipWs(s, i + 1);
  let n = 0;
  if (s.charCodeAt(i) === 93) return null; // empty: let the general path name it
  for (;;) {
    const start = i;
    let c = s.charCodeAt(i);
    let neg = false;
    if (c === 45) {
      neg = true;
      c = s.charCodeAt(++i);
    }
    if (!(c >= 48 && c <= 57)) return null;
    if (c === 48 && s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57) return null;
    let m = 0;
    let digits = 0;
    let frac = 0;
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      c = s.charCodeAt(++i);
    }
    if (c === 46) {
      c = s.charCodeAt(++i);
      if (!(c >= 48 && c <= 57)) return null;
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
        frac++;
        c = s.charCodeAt(++i);
      }
    }
    let exp = 0;
    if (c === 101 || c === 69) {
      c = s.charCodeAt(++i);
      let eneg = false;
      if (c === 43 || c === 45) {
        eneg = c === 45;
        c = s.charCodeAt(++i);
      }
      if (!(c >= 48 && c <= 57)) return null;
      while (c >= 48 && c <= 57) {
        exp = exp * 10 + (c - 48);
        if (exp > 1e6) return null;
        c = s.charCodeAt(++i);
      }
      if (eneg) exp = -exp;
    }
    const e10 = exp - frac;
    let v: number;
    if (digits <= 15 && e10 >= -22 && e10 <= 22) v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
    else v = Number(s.slice(neg ? start + 1 : start, i));
    if (n === scratch.length) {
      const bigger = new Float32Array(n * 2);
      bigger.set(scratch);
      scratch = bigger;
    }
    scratch[n++] = neg ? -v : v;
    i = skipWs(s, i);
    c = s.charCodeAt(i);
    if (c === 44) {
      i = skipWs(s, i + 1);
      continue;
    }
    if (c !== 93) return null;
    i = skipWs(s, i + 1);
    break;
  }
  if (inObject) {
    if (s.charCodeAt(i) !== 125) return null;
    i = skipWs(s, i + 1);
  }
  return i === s.length ? scratch.slice(0, n) : null;
}
