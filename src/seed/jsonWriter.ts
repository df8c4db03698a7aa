/**
 * Writes JSON vector payloads as ASCII bytes into one reusable buffer. Formatting
 * floats is the hot loop of the seed (10^9 numbers at production size): fixed
 * 7-decimal digits written by hand are ~10x faster than toPrecision() + joins.
 * Unit-vector components are < 1, so 7 decimals keep ~5 significant digits at
 * 1536 dims, far below what a DECIMAL(5,2) score can show.
 */
const DECIMALS = 7;
const SCALE = 10 ** DECIMALS;

const C_MINUS = 45;
const C_DOT = 46;
const C_0 = 48;
const C_QUOTE = 34;

export class JsonWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;

  reset(): this {
    this.pos = 0;
    return this;
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** ASCII text written as is (keys, punctuation, literals). */
  raw(s: string): this {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
    return this;
  }

  /** A number as fixed decimals with trailing zeros trimmed, e.g. -0.0123457. Non-finite or huge values use String(). */
  num(v: number): this {
    if (!(Math.abs(v) < 1e9)) return this.raw(Number.isFinite(v) ? String(v) : 'null');
    this.ensure(32);
    const b = this.buf;
    const q = Math.round(Math.abs(v) * SCALE);
    if (v < 0 && q !== 0) b[this.pos++] = C_MINUS;
    const ip = Math.floor(q / SCALE);
    let fp = q - ip * SCALE;
    this.uint(ip);
    if (fp === 0) return this;
    let digits = DECIMALS;
    while (fp % 10 === 0) {
      fp /= 10;
      digits--;
    }
    b[this.pos++] = C_DOT;
    const end = this.pos + digits;
    for (let p = end - 1; p >= this.pos; p--) {
      b[p] = C_0 + (fp % 10);
      fp = Math.floor(fp / 10);
    }
    this.pos = end;
    return this;
  }

  /** The number as a JSON string, e.g. "0.25": the app's float() accepts these. */
  numString(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = C_QUOTE;
    this.num(v);
    this.ensure(1);
    this.buf[this.pos++] = C_QUOTE;
    return this;
  }

  private uint(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = C_0 + n;
      return;
    }
    this.raw(String(n));
  }

  toString(): string {
    return this.buf.toString('latin1', 0, this.pos);
  }
}
