import { FACETS } from '../facets.js';
import type { EntityOutcome } from './applyWork.js';
import { countReason, type BackfillSummary } from './summary.js';

/**
 * Adds the entities' final outcomes to the summary in source row order (the
 * order a single pass meets them), so counts and examples do not depend on
 * whether an entity was revisited.
 */
export function tallyOutcomes(s: BackfillSummary, outcomes: Iterable<EntityOutcome>): void {
  for (const o of [...outcomes].sort((a, b) => a.rowId - b.rowId)) {
    const counts = s.entity[o.kind === 'talent' ? 'talents' : 'jobs'];
    if (o.action === 'touched') {
      counts.touched++;
      continue;
    }
    o.problems.forEach((p, f) => p && countReason(s.facetSkips, p, `${o.kind} ${o.key}/${FACETS[f]}`));
    if (o.action === 'no_valid_facet') {
      countReason(s.rowSkips, 'no_valid_facet', o.rowId);
      continue;
    }
    o.written.forEach((w, f) => w && s.facetsWritten[FACETS[f]]++);
    if (o.existed) counts.updated++;
    else counts.inserted++;
  }
}
