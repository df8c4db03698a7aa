/**
 * exactDot (exactScore.ts) as WebAssembly SIMD: the same eight float64 partial
 * sums in f64x2 lanes, combined in the same order, so it returns the same bits
 * (float32 → float64 is exact, and wasm never fuses a multiply-add). Several
 * times faster than the JS loop, which the engine's exact re-score needs.
 * Hand-assembled: the module is one function, dot(aByteOffset, bByteOffset, n).
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes.
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32c = (v: number) => [0x41, ...sleb(v)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const LOAD64_ZERO = 0x5d;
const PROMOTE_LOW = 0x5f;
const F64X2_ADD = 0xf0;
const F64X2_MUL = 0xf2;
const EXTRACT = 0x21;

// Locals of dot: 0 a, 1 b, 2 n (params); 3 i, 4 end (i32); 5..8 four f64x2 accumulators; 9 s0 (f64).
const [A, B, N, I, END, ACC, S0] = [0, 1, 2, 3, 4, 5, 9];

/** acc += promote(x[at + off]) * t, for the f64x2 locals given. */
const madd = (acc: number, base: number, at: number, off: number, t: number[]) => [
  ...get(acc), ...t, ...get(base), ...get(at), 0x6a, ...simd(LOAD64_ZERO, 2, off), ...simd(PROMOTE_LOW), ...simd(F64X2_MUL), ...simd(F64X2_ADD), ...set(acc),
];
/** ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), s0 in local `s`, s1..s7 the other lanes of the four accumulators from `acc`. */
const combine = (s: number, acc: number) => {
  const lane = (k: number, l: number) => [...get(acc + k), ...simd(EXTRACT, l)];
  return [
    ...get(s), ...lane(0, 1), 0xa0, ...lane(1, 0), ...lane(1, 1), 0xa0, 0xa0,
    ...lane(2, 0), ...lane(2, 1), 0xa0, ...lane(3, 0), ...lane(3, 1), 0xa0, 0xa0,
    0xa0,
  ];
};
/** Scalar tail: s += f64(x[i]) * f64(y[i]) (x first, as exactDot). */
const scalarMadd = (s: number, x: number, y: number, i: number) => [
  ...get(s),
  ...get(x), ...get(i), 0x6a, 0x2a, 2, 0, 0xbb,
  ...get(y), ...get(i), 0x6a, 0x2a, 2, 0, 0xbb,
  0xa2, 0xa0, ...set(s),
];
const loopWhile = (i: number, end: number, step: number, inner: number[]) => [
  0x02, 0x40, 0x03, 0x40,
  ...get(i), ...get(end), 0x4f, 0x0d, 1,
  ...inner,
  ...get(i), ...i32c(step), 0x6a, ...set(i),
  0x0c, 0, 0x0b, 0x0b,
];
const fnBody = (locals: number[], code: number[]) => {
  const fn = [...locals, ...code, 0x0b];
  return [...uleb(fn.length), ...fn];
};

function dotBody(): number[] {
  const lanes: number[] = [];
  for (let k = 0; k < 4; k++) lanes.push(...madd(ACC + k, B, I, 8 * k, [...get(A), ...get(I), 0x6a, ...simd(LOAD64_ZERO, 2, 8 * k), ...simd(PROMOTE_LOW)]));
  const code = [
    // end = (n & ~7) * 4
    ...get(N), ...i32c(-8), 0x71, ...i32c(2), 0x74, ...set(END),
    ...loopWhile(I, END, 32, lanes),
    ...get(ACC), ...simd(EXTRACT, 0), ...set(S0),
    ...get(N), ...i32c(2), 0x74, ...set(END),
    ...loopWhile(I, END, 4, scalarMadd(S0, A, B, I)),
    ...combine(S0, ACC),
  ];
  return fnBody([3, 2, 0x7f, 4, 0x7b, 1, 0x7c], code);
}

// Locals of dots: 0 a, 1 offs, 2 count, 3 n, 4 out (params); 5 i, 6 end, 7 b1, 8 b2, 9 c, 10 pairsEnd (i32);
// 11..14 and 15..18 the two rows' accumulators, 19..22 a's values (f64x2); 23, 24 the rows' s0 (f64).
const D = { a: 0, offs: 1, count: 2, n: 3, out: 4, i: 5, end: 6, b1: 7, b2: 8, c: 9, pairsEnd: 10, acc1: 11, acc2: 15, t: 19, s1: 23, s2: 24 };

/**
 * dots(a, offs, count, n, out): out[c] = dot(a, offs[c], n) for c < count (byte
 * offsets; offs is i32, out f64). Two rows at a time against a's values, promoted
 * once: eight independent f64x2 chains instead of four hide the add latency, and
 * a's row stays in L1 while the other rows stream. Each result is exactly dot's.
 */
function dotsBody(): number[] {
  const zero = (l: number) => [...simd(0x0c, ...new Array(16).fill(0)), ...set(l)];
  const inner: number[] = [];
  for (let k = 0; k < 4; k++) inner.push(...get(D.a), ...get(D.i), 0x6a, ...simd(LOAD64_ZERO, 2, 8 * k), ...simd(PROMOTE_LOW), ...set(D.t + k));
  for (let k = 0; k < 4; k++) inner.push(...madd(D.acc1 + k, D.b1, D.i, 8 * k, get(D.t + k)));
  for (let k = 0; k < 4; k++) inner.push(...madd(D.acc2 + k, D.b2, D.i, 8 * k, get(D.t + k)));
  const outAt = (extra: number) => [...get(D.out), ...get(D.c), ...i32c(3), 0x74, 0x6a, ...(extra ? [...i32c(extra), 0x6a] : [])];
  const offAt = (extra: number) => [...get(D.offs), ...get(D.c), ...i32c(2), 0x74, 0x6a, 0x28, 2, extra];
  const pair = [
    ...offAt(0), ...set(D.b1), ...offAt(4), ...set(D.b2),
    ...[0, 1, 2, 3].flatMap((k) => [...zero(D.acc1 + k), ...zero(D.acc2 + k)]),
    ...i32c(0), ...set(D.i),
    ...get(D.n), ...i32c(-8), 0x71, ...i32c(2), 0x74, ...set(D.end),
    ...loopWhile(D.i, D.end, 32, inner),
    ...get(D.acc1), ...simd(EXTRACT, 0), ...set(D.s1),
    ...get(D.acc2), ...simd(EXTRACT, 0), ...set(D.s2),
    ...get(D.n), ...i32c(2), 0x74, ...set(D.end),
    ...loopWhile(D.i, D.end, 4, [...scalarMadd(D.s1, D.a, D.b1, D.i), ...scalarMadd(D.s2, D.a, D.b2, D.i)]),
    ...outAt(0), ...combine(D.s1, D.acc1), 0x39, 3, 0,
    ...outAt(8), ...combine(D.s2, D.acc2), 0x39, 3, 0,
  ];
  const code = [
    // end = count & ~1: whole pairs
    ...get(D.count), ...i32c(-2), 0x71, ...set(D.pairsEnd),
    ...i32c(0), ...set(D.c),
    0x02, 0x40, 0x03, 0x40,
    ...get(D.c), ...get(D.pairsEnd), 0x4f, 0x0d, 1,
    ...pair,
    ...get(D.c), ...i32c(2), 0x6a, ...set(D.c),
    0x0c, 0, 0x0b, 0x0b,
    // an odd last row: dot()
    ...get(D.c), ...get(D.count), 0x49, 0x04, 0x40,
    ...outAt(0), ...get(D.a), ...offAt(0), ...get(D.n), 0x10, 0, 0x39, 3, 0,
    0x0b,
  ];
  return fnBody([3, 6, 0x7f, 12, 0x7b, 2, 0x7c], code);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7c, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 0x01]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...str('dot'), 0x00, 0, ...str('dots'), 0x00, 1]),
    ...section(10, [2, ...dotBody(), ...dotsBody()]),
  ]);
}

let compiled: WebAssembly.Module | null = null;
/** 64 KiB pages in a 32-bit WebAssembly memory. */
const MAX_PAGES = 65536;
/** Rows one dots() call takes; longer lists are cut. Its offsets and results live at the start of the memory. */
const BATCH = 4096;
const SCRATCH_FLOATS = BATCH * 3;

/**
 * A WebAssembly memory holding float32 rows, and the exact dot product over
 * them. Rows are placed once with alloc(); the memory never grows after that
 * (growing would detach every view handed out).
 */
export class ExactArena {
  readonly f32: Float32Array;
  private readonly dotFn: (a: number, b: number, n: number) => number;
  private readonly dotsFn: (a: number, offs: number, count: number, n: number, out: number) => void;
  private readonly offs: Uint32Array;
  private readonly out: Float64Array;
  private used = SCRATCH_FLOATS;

  constructor(floats: number) {
    compiled ??= new WebAssembly.Module(moduleBytes());
    const pages = Math.max(1, Math.ceil(((floats + SCRATCH_FLOATS) * 4) / 65536));
    if (pages > MAX_PAGES) {
      throw new Error(`the exact re-score keeps every job vector in one WebAssembly memory of at most 4 GiB; this run needs ${Math.ceil((floats * 4) / 2 ** 20)} MiB (fewer postings per run, or smaller facets)`);
    }
    const mem = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const inst = new WebAssembly.Instance(compiled, { env: { mem } });
    this.dotFn = inst.exports.dot as (a: number, b: number, n: number) => number;
    this.dotsFn = inst.exports.dots as (a: number, offs: number, count: number, n: number, out: number) => void;
    this.f32 = new Float32Array(mem.buffer);
    this.out = new Float64Array(mem.buffer, 0, BATCH);
    this.offs = new Uint32Array(mem.buffer, BATCH * 8, BATCH);
  }

  /** A view of `floats` floats inside the arena; its offset (in floats) is view.byteOffset / 4. */
  alloc(floats: number): Float32Array {
    if (this.used + floats > this.f32.length) throw new Error('exact arena is full');
    const v = this.f32.subarray(this.used, this.used + floats);
    this.used += floats;
    return v;
  }

  /** exactDot of n floats at float offsets a and b of the arena. */
  dot(a: number, b: number, n: number): number {
    return this.dotFn(a * 4, b * 4, n);
  }

  /**
   * out[outAt + c] = dot(a, others[c], n) for c < count (float offsets): one row
   * against many, each result the same bits as dot().
   */
  dots(a: number, others: ArrayLike<number>, count: number, n: number, out: Float64Array, outAt = 0): void {
    for (let from = 0; from < count; from += BATCH) {
      const m = Math.min(BATCH, count - from);
      for (let c = 0; c < m; c++) this.offs[c] = others[from + c] * 4;
      this.dotsFn(a * 4, this.offs.byteOffset, m, n, 0);
      out.set(this.out.subarray(0, m), outAt + from);
    }
  }
}
