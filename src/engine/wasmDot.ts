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

// Locals: 0 a, 1 b, 2 n (params); 3 i, 4 end (i32); 5..8 four f64x2 accumulators; 9 s0 (f64).
const [A, B, N, I, END, ACC, S0] = [0, 1, 2, 3, 4, 5, 9];

function body(): number[] {
  const lanes: number[] = [];
  for (let k = 0; k < 4; k++) {
    // acc_k += promote(a[i + 2k .. i + 2k + 1]) * promote(b[...])
    lanes.push(
      ...get(ACC + k),
      ...get(A), ...get(I), 0x6a, ...simd(LOAD64_ZERO, 2, 8 * k), ...simd(PROMOTE_LOW),
      ...get(B), ...get(I), 0x6a, ...simd(LOAD64_ZERO, 2, 8 * k), ...simd(PROMOTE_LOW),
      ...simd(F64X2_MUL), ...simd(F64X2_ADD), ...set(ACC + k),
    );
  }
  const lane = (k: number, l: number) => [...get(ACC + k), ...simd(EXTRACT, l)];
  const code = [
    // end = (n & ~7) * 4
    ...get(N), ...i32c(-8), 0x71, ...i32c(2), 0x74, ...set(END),
    0x02, 0x40, 0x03, 0x40,
    ...get(I), ...get(END), 0x4f, 0x0d, 1,
    ...lanes,
    ...get(I), ...i32c(32), 0x6a, ...set(I),
    0x0c, 0, 0x0b, 0x0b,
    ...lane(0, 0), ...set(S0),
    // tail: s0 += a[i] * b[i]
    ...get(N), ...i32c(2), 0x74, ...set(END),
    0x02, 0x40, 0x03, 0x40,
    ...get(I), ...get(END), 0x4f, 0x0d, 1,
    ...get(S0),
    ...get(A), ...get(I), 0x6a, 0x2a, 2, 0, 0xbb,
    ...get(B), ...get(I), 0x6a, 0x2a, 2, 0, 0xbb,
    0xa2, 0xa0, ...set(S0),
    ...get(I), ...i32c(4), 0x6a, ...set(I),
    0x0c, 0, 0x0b, 0x0b,
    // ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    ...get(S0), ...lane(0, 1), 0xa0, ...lane(1, 0), ...lane(1, 1), 0xa0, 0xa0,
    ...lane(2, 0), ...lane(2, 1), 0xa0, ...lane(3, 0), ...lane(3, 1), 0xa0, 0xa0,
    0xa0,
    0x0b,
  ];
  const locals = [3, 2, 0x7f, 4, 0x7b, 1, 0x7c];
  const fn = [...locals, ...code];
  return [1, ...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7c]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 0x01]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('dot'), 0x00, 0]),
    ...section(10, body()),
  ]);
}

let compiled: WebAssembly.Module | null = null;
/** 64 KiB pages in a 32-bit WebAssembly memory. */
const MAX_PAGES = 65536;

/**
 * A WebAssembly memory holding float32 rows, and the exact dot product over
 * them. Rows are placed once with alloc(); the memory never grows after that
 * (growing would detach every view handed out).
 */
export class ExactArena {
  readonly f32: Float32Array;
  private readonly dotFn: (a: number, b: number, n: number) => number;
  private used = 0;

  constructor(floats: number) {
    compiled ??= new WebAssembly.Module(moduleBytes());
    const pages = Math.max(1, Math.ceil((floats * 4) / 65536));
    if (pages > MAX_PAGES) {
      throw new Error(`the exact re-score keeps every job vector in one WebAssembly memory of at most 4 GiB; this run needs ${Math.ceil((floats * 4) / 2 ** 20)} MiB (fewer postings per run, or smaller facets)`);
    }
    const mem = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const inst = new WebAssembly.Instance(compiled, { env: { mem } });
    this.dotFn = inst.exports.dot as (a: number, b: number, n: number) => number;
    this.f32 = new Float32Array(mem.buffer);
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
}
