/** 45s, 12m 05s, 8h 17m, 3d 4h: precise enough for a person, short enough for one line. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const neg = ms < 0;
  if (Math.abs(ms) < 10_000) return `${neg ? '-' : ''}${(Math.abs(ms) / 1000).toFixed(1)}s`;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${pad(m)}m` : m > 0 ? `${m}m ${pad(s)}s` : `${s}s`;
  return neg ? `-${text}` : text;
}
