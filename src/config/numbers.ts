/**
 * Numbers as users type them: plain decimal digits only. Number() would also take
 * "1e2", "0x10", " 7" and "" (as 0), and a typo must not become a valid setting.
 */
export const isDecimalInt = (raw: string): boolean => /^\d+$/.test(raw);
export const isDecimal = (raw: string): boolean => /^(\d+(\.\d*)?|\.\d+)$/.test(raw);

/** The integer raw spells, or NaN. */
export const strictInt = (raw: string): number => (isDecimalInt(raw) && raw.length <= 15 ? Number(raw) : NaN);

/** The decimal raw spells, or NaN. */
export const strictDecimal = (raw: string): number => (isDecimal(raw) && raw.length <= 30 ? Number(raw) : NaN);

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "10m", "36h", "2d", or plain seconds ("600") -> milliseconds; NaN when malformed. */
export function parseDuration(raw: string): number {
  const m = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(raw);
  return m ? Number(m[1]) * UNIT_MS[(m[2] ?? 's') as keyof typeof UNIT_MS] : NaN;
}

/** "50%" or "0.5" -> 0.5; NaN when malformed or outside [0, 1]. */
export function parseFraction(raw: string): number {
  const pct = raw.endsWith('%');
  const n = strictDecimal(pct ? raw.slice(0, -1) : raw);
  const v = pct ? n / 100 : n;
  return v >= 0 && v <= 1 ? v : NaN;
}
