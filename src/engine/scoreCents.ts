/**
 * Score x as integer hundredths, rounded half away from zero. Integer cents keep
 * float formatting out of it ((0.285).toFixed(2) is "0.28"); the tiny epsilon
 * absorbs x*100 landing just under a .5 boundary.
 */
export function scoreCents(x: number): number {
  const c = Math.floor(Math.abs(x) * 100 + 0.5 + 1e-9);
  return x < 0 ? -c : c;
}

/** A score as DECIMAL(5,2) text. */
export function formatScore(x: number): string {
  const c = scoreCents(x);
  const a = Math.abs(c);
  const frac = a % 100;
  return `${c < 0 ? '-' : ''}${(a - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
}
