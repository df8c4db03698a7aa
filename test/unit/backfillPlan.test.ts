import { packVectors } from '../../src/vectors/packedVectors.js';
import { describe, expect, it } from 'vitest';
import { addLength, emptyHistograms, inferDims } from '../../src/vectors/inferDims.js';
import { classifyRow, offerWinner, type Winner } from '../../src/backfill/planRows.js';
import type { SourceRowMeta } from '../../src/store/matchingVectors.js';
import { chunkRows, statementBudget, type EmbeddingRow } from '../../src/store/writeEmbeddings.js';

const meta = (o: Partial<SourceRowMeta>): SourceRowMeta => ({
  id: 1, userId: 1, role: 'talent', userRole: 'talent', jobPostingId: null, updatedAt: new Date('2024-01-01'),
  hasProfile: true, talentDeleted: false, hasPosting: false, postingDeleted: false, postingOwner: null, ...o,
});

describe('inferDims', () => {
  it('picks the most common length per facet, ties to the larger, ignores empty', () => {
    const h = emptyHistograms();
    for (const l of [4, 4, 3, 0, null]) addLength(h, 0, l);
    for (const l of [3, 4]) addLength(h, 1, l);
    expect(inferDims(h).slice(0, 3)).toEqual([4, 4, null]);
    expect(inferDims(h, 7)).toEqual([7, 7, 7, 7, 7, 7]);
  });
  it('does not depend on the order rows arrive in', () => {
    const a = emptyHistograms();
    const b = emptyHistograms();
    for (const l of [5, 6, 6, 5]) addLength(a, 0, l);
    for (const l of [6, 5, 5, 6]) addLength(b, 0, l);
    expect(inferDims(a)[0]).toBe(inferDims(b)[0]);
  });
});

describe('classifyRow', () => {
  it('keys talents by user and jobs by posting, skipping every ineligible shape', () => {
    expect(classifyRow(meta({}))).toEqual({ kind: 'talent', key: 1 });
    expect(classifyRow(meta({ hasProfile: false }))).toEqual({ skip: 'no_talent_profile' });
    expect(classifyRow(meta({ talentDeleted: true }))).toEqual({ skip: 'talent_deleted' });
    expect(classifyRow(meta({ jobPostingId: 3 }))).toEqual({ skip: 'talent_row_with_posting' });
    const co = { role: 'company', userId: 100 };
    expect(classifyRow(meta({ ...co }))).toEqual({ skip: 'company_row_without_posting' });
    expect(classifyRow(meta({ ...co, jobPostingId: 9, hasPosting: true, postingOwner: 100 }))).toEqual({ kind: 'job', key: 9 });
    expect(classifyRow(meta({ ...co, jobPostingId: 9, hasPosting: true, postingOwner: 101 }))).toEqual({ skip: 'posting_of_other_company' });
    expect(classifyRow(meta({ ...co, jobPostingId: 9, hasPosting: true, postingOwner: 100, postingDeleted: true }))).toEqual({ skip: 'posting_deleted' });
    expect(classifyRow(meta({ ...co, jobPostingId: 9, hasPosting: false }))).toEqual({ skip: 'posting_missing' });
  });
});

describe('offerWinner', () => {
  const w = (rowId: number, at: string): Winner => ({ kind: 'talent', key: 1, rowId, updatedAt: new Date(at) });
  it('keeps the newest (updated_at, id) in any arrival order and names the loser', () => {
    const m = new Map<number, Winner>();
    expect(offerWinner(m, w(5, '2024-02-01'))).toBeNull();
    expect(offerWinner(m, w(9, '2024-01-01'))).toBe(9);
    expect(offerWinner(m, w(3, '2024-02-01'))).toBe(3);
    expect(offerWinner(m, w(6, '2024-02-01'))).toBe(5);
    expect(m.get(1)!.rowId).toBe(6);
  });
});

describe('chunkRows', () => {
  const row = (bytes: number): EmbeddingRow => ({
    key: 1, vectors: packVectors([new Float32Array(bytes / 4), null, null, null, null, null]), hashes: [], model: 'm', source: 'text', sourceRowId: null, sourceUpdatedAt: null,
  });
  it('keeps each statement under the byte budget', () => {
    const chunks = chunkRows([row(400_000), row(400_000), row(400_000)], 900_000);
    expect(chunks.map((c) => c.length)).toEqual([2, 1]);
    expect(statementBudget(16 * 2 ** 20)).toBeLessThan(16 * 2 ** 20);
  });
});
