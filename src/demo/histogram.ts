export interface Bucket {
  /** Lower bound of the bucket (score_100). */
  from: number;
  /** Rows whose talent's desired role is the posting's role. */
  same: number;
  total: number;
}

export interface HistogramStyle {
  same(s: string): string;
  other(s: string): string;
}

const plain: HistogramStyle = { same: (s) => s, other: (s) => s };

/**
 * One line per bucket: a bar of `width` columns at the largest bucket, its
 * same-role part drawn first (█) and the rest after (░), then the counts.
 */
export function renderHistogram(buckets: Bucket[], step: number, width = 40, style: HistogramStyle = plain): string[] {
  const max = Math.max(1, ...buckets.map((b) => b.total));
  return buckets.map((b) => {
    const total = Math.round((b.total / max) * width);
    const same = Math.min(total, Math.round((b.same / max) * width));
    const label = `${String(b.from).padStart(3)}–${String(b.from + step).padEnd(3)}`;
    const bar = style.same('█'.repeat(same)) + style.other('░'.repeat(total - same)) + ' '.repeat(width - total);
    return `${label} ${bar} ${String(b.total).padStart(7)}  (${b.total ? Math.round((100 * b.same) / b.total) : 0}% same role)`;
  });
}
