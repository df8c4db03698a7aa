/** Entities per side: with published rows (match), or with a stored embedding (backfill). */
export interface SetSize {
  talents: number;
  jobs: number;
}

/**
 * Why a change must not be made, or null when it may: emptying a non-empty side,
 * or either side losing more than maxShrink of its entities (a wrong flag, a
 * failed backfill), is a silent outage for the app unless someone asked for it
 * (--allow-shrink). `what` names the entities ("with matches").
 */
export function shrinkRefusal(published: SetSize, next: SetSize, maxShrink: number, what = 'with matches'): string | null {
  const problems: string[] = [];
  for (const side of ['talents', 'jobs'] as const) {
    const before = published[side];
    const after = next[side];
    if (before === 0 || after >= before) continue;
    const lost = (before - after) / before;
    if (after === 0 || lost > maxShrink) {
      problems.push(`${side} ${what} would drop from ${before} to ${after} (-${(lost * 100).toFixed(1)}%)`);
    }
  }
  if (!problems.length) return null;
  return `${problems.join('; ')}, more than --max-shrink ${(maxShrink * 100).toFixed(0)}% allows`;
}
