/** Terminal columns a string takes: Hangul and other East Asian wide characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60) ? 2 : 1;
  }
  return w;
}

/** Cuts to at most `max` columns, marking the cut with "…". */
export function truncate(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (displayWidth(out + ch) > max - 1) break;
    out += ch;
  }
  return out + '…';
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Widest a cell may be before it is truncated. */
  max?: number;
}

/** A plain-text table aligned by display width (Korean text lines up in a terminal). */
export function renderTable(columns: Column[], rows: string[][]): string {
  const cells = rows.map((r) => r.map((c, i) => truncate(c, columns[i].max ?? 40)));
  const widths = columns.map((col, i) => Math.max(displayWidth(col.header), ...cells.map((r) => displayWidth(r[i]))));
  const pad = (s: string, i: number) => {
    const gap = ' '.repeat(widths[i] - displayWidth(s));
    return columns[i].align === 'right' ? gap + s : s + gap;
  };
  const line = (r: string[]) => r.map(pad).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
