import type { EntityKind } from '../store/embeddingTables.js';
import type { SourceRowMeta } from '../store/matchingVectors.js';

/** The row that represents an entity: the newest (updated_at, id) eligible row. */
export interface Winner {
  kind: EntityKind;
  key: number;
  rowId: number;
  updatedAt: Date;
}

export type Classification = { kind: EntityKind; key: number } | { skip: string };

/**
 * Which entity a matching_vectors row describes, or why it is skipped. A deleted
 * talent or posting is a skip whose entity must also lose any stored embedding
 * (it simply never enters the keep-set).
 */
export function classifyRow(r: SourceRowMeta): Classification {
  if (r.role === 'talent') {
    if (r.jobPostingId !== null) return { skip: 'talent_row_with_posting' };
    if (!r.hasProfile) return { skip: 'no_talent_profile' };
    // match only ever matches users whose role is talent: importing others would store what is never used.
    if (r.userRole !== 'talent') return { skip: 'user_not_talent' };
    if (r.talentDeleted) return { skip: 'talent_deleted' };
    return { kind: 'talent', key: r.userId };
  }
  if (r.role === 'company') {
    if (r.jobPostingId === null) return { skip: 'company_row_without_posting' };
    if (!r.hasPosting) return { skip: 'posting_missing' };
    if (r.postingOwner !== r.userId) return { skip: 'posting_of_other_company' };
    if (r.postingDeleted) return { skip: 'posting_deleted' };
    return { kind: 'job', key: r.jobPostingId };
  }
  return { skip: 'unknown_role' };
}

const newer = (a: { updatedAt: Date; rowId: number }, b: { updatedAt: Date; rowId: number }) =>
  a.updatedAt.getTime() > b.updatedAt.getTime() || (a.updatedAt.getTime() === b.updatedAt.getTime() && a.rowId > b.rowId);

/**
 * Keeps the newest row per entity. Returns the row id of the loser when one is
 * displaced (to be reported as a superseded duplicate), else null.
 */
export function offerWinner(winners: Map<number, Winner>, w: Winner): number | null {
  const cur = winners.get(w.key);
  if (!cur) {
    winners.set(w.key, w);
    return null;
  }
  if (newer(w, cur)) {
    winners.set(w.key, w);
    return cur.rowId;
  }
  return w.rowId;
}
