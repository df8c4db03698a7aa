import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../src/commands/backfill.js';
import type { BackfillSummary } from '../../src/backfill/summary.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { ctxFor, exactLengthExpr, FACET_COLS, keys } from './backfillHelpers.js';

// 12 talents. roles: ids 1-4 hold 6-long lists (another model's dimension, and the oldest rows),
// ids 5-12 4-long ones; talents 1-4 have nothing else. skills: 4-long everywhere but id 12 (3-long)
// and id 11 ('["a",1,2,3]': counted at length 4, not numeric). The others are empty.
const N = 12;
const list = (n: number, seed: number) => `[${Array.from({ length: n }, (_, i) => ((seed * 7 + i * 3) % 11) - 5 || 1).join(',')}]`;
const roles = (id: number, n = id <= 4 ? 6 : 4) => list(n, id);
const skills = (id: number) => (id <= 4 ? null : id === 12 ? list(3, id) : id === 11 ? '["a",1,2,3]' : list(4, id + 50));

async function seedTalents(t: TestDatabase): Promise<void> {
  const ids = Array.from({ length: N }, (_, i) => i + 1);
  await t.exec(`INSERT INTO users (id, email, password_hash, role) VALUES ${ids.map((i) => `(${i}, 't${i}@x', 'x', 'talent')`).join(',')}`);
  await t.exec(`INSERT INTO talent_profiles (user_id, is_submitted) VALUES ${ids.map((i) => `(${i}, 1)`).join(',')}`);
  for (const i of ids) {
    await t.exec(`INSERT INTO matching_vectors (id, user_id, role, updated_at, vector_roles, vector_skills) VALUES (?, ?, 'talent', '2024-01-01', ?, ?)`, [i, i, roles(i), skills(i)]);
  }
}

/** Today's decision, independently: the exact length of every payload by the server, the most common per facet, ties to the larger. */
async function referenceDims(t: TestDatabase): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const f of FACET_COLS) {
    const rows = (await t.exec(`SELECT l, COUNT(*) AS n FROM (SELECT ${exactLengthExpr(`vector_${f}`)} AS l FROM matching_vectors) x WHERE l > 0 GROUP BY l ORDER BY n DESC, l DESC LIMIT 1`)) as { l: number }[];
    out[f] = rows.length ? Number(rows[0].l) : null;
  }
  return out;
}

/** Everything a stored row says about its facets, without timestamps. */
const stored = (t: TestDatabase) =>
  t.exec(`SELECT talent_user_id AS k, facet_dims, vectors_hash, model, source_row_id, ${FACET_COLS.map((f) => `hash_${f}`).join(', ')} FROM talent_embeddings ORDER BY 1`);

const sortedSkips = (s: BackfillSummary['facetSkips']) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { count: v.count, examples: [...v.examples].sort() }]));

describe('backfill dimensions from recorded lengths (issue 26)', () => {
  let t: TestDatabase;
  const run = (o: Partial<Parameters<typeof backfill>[0]> = {}) => {
    const ctx = ctxFor(t);
    return backfill({ source: 'matching_vectors', batchSize: 4, ...o }, ctx).then((s) => ({ s, lines: ctx.lines }));
  };
  const change = (id: number, rolesLength: number, at: string) =>
    t.exec('UPDATE matching_vectors SET vector_roles = ?, updated_at = ? WHERE id = ?', [roles(id + 100, rolesLength), at, id]);

  beforeAll(async () => {
    t = await createTestDatabase('backfill_dims');
    await seedTalents(t);
  });
  afterAll(async () => t?.drop());

  it('a first backfill decides as today, even when its first page holds the minority; what it wrote under a wrong guess is undone silently', async () => {
    const { s } = await run();
    expect(s.dims).toEqual(await referenceDims(t));
    expect(s.dims).toMatchObject({ roles: 4, skills: 4, growth: null });
    expect(s.rowsMeasured).toBe(N);
    // The first page is an even sample (ids 1, 4, 7, 10): a 2:2 tie the larger length wins, so the pass guessed 6 and came back.
    expect(s.revisited).toMatchObject({ entities: N });
    // Talents 1-4 only had a 6-long roles facet: no valid facet, never stored, so nothing counts as removed.
    expect(await keys(t, 'talent_embeddings')).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(s.entity.talents).toMatchObject({ inserted: 8, updated: 0, removed: 0 });
    expect(s.rowSkips.no_valid_facet).toMatchObject({ count: 4, examples: ['1', '2', '3', '4'] });
    expect(sortedSkips(s.facetSkips)).toEqual({
      wrong_dim: { count: 5, examples: ['talent 1/roles', 'talent 12/skills', 'talent 2/roles', 'talent 3/roles', 'talent 4/roles'] },
      not_numeric: { count: 1, examples: ['talent 11/skills'] },
    });
    expect(await t.exec('SELECT COUNT(*) AS n FROM matching_vector_lengths')).toEqual([{ n: N }]);
  });

  it('one changed row is the only payload read; nothing is revisited', async () => {
    await change(6, 4, '2024-02-01');
    const { s } = await run();
    expect(s.rowsMeasured).toBe(1);
    expect(s.revisited).toBeUndefined();
    expect(s.entity.talents).toMatchObject({ updated: 1, unchanged: 7 });
    expect(s.dims).toEqual(await referenceDims(t));
  });

  it('a tie between two lengths goes to the larger: the decision changes, every entity is revisited, and the run says so', async () => {
    // roles: 6-long on 1-4 and now 5-6 too, 4-long on 7-12: 6 against 6.
    await change(5, 6, '2024-03-01');
    await change(6, 6, '2024-03-01');
    const { s, lines } = await run();
    expect(s.rowsMeasured).toBe(2);
    expect(s.dims).toEqual(await referenceDims(t));
    expect(s.dims.roles).toBe(6);
    // Talents 1-6 were read under the new decision already (changed, or never stored); the other six were stored under the old one.
    expect(s.revisited).toEqual({ entities: 6, dims: expect.stringContaining('roles=6') });
    expect(lines.some((l) => l.includes('revisiting every one of them'))).toBe(true);
    // Under roles=6, talents 1-6 keep roles; 7-12 keep skills only.
    const rows = (await stored(t)) as { k: number; facet_dims: string; model: string }[];
    expect(rows.map((r) => [r.k, r.facet_dims])).toEqual([
      [1, '6,0,0,0,0,0'], [2, '6,0,0,0,0,0'], [3, '6,0,0,0,0,0'], [4, '6,0,0,0,0,0'], [5, '6,4,0,0,0,0'], [6, '6,4,0,0,0,0'],
      [7, '0,4,0,0,0,0'], [8, '0,4,0,0,0,0'], [9, '0,4,0,0,0,0'], [10, '0,4,0,0,0,0'],
    ]);
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(['matching_vectors:6,4,0,0,0,0']));
    expect(s.entity.talents).toMatchObject({ inserted: 4, updated: 6, removed: 2 });
    // The revisit's skips are what a full run on the same data reports.
    const full = await run({ full: true });
    expect(full.s.dims).toEqual(s.dims);
    expect(sortedSkips(s.facetSkips)).toEqual(sortedSkips(full.s.facetSkips));
    expect(s.rowSkips.no_valid_facet).toEqual(full.s.rowSkips.no_valid_facet);
  });

  it('rows that leave and rows that arrive move the histogram without reading the others; the result equals a full run', async () => {
    await t.exec('DELETE FROM matching_vectors WHERE id = 1');
    const { s } = await run({ allowShrink: true });
    // 5 against 6 now: back to 4, a model switch the other way.
    expect(s.rowsMeasured).toBe(0);
    expect(s.dims).toEqual(await referenceDims(t));
    expect(s.dims.roles).toBe(4);
    // The stored rows of talents 2-10 were made under roles=6; 11 and 12 had none and were read under the new decision at once.
    expect(s.revisited?.entities).toBe(9);
    await t.exec(`INSERT INTO users (id, email, password_hash, role) VALUES (13, 't13@x', 'x', 'talent')`);
    await t.exec(`INSERT INTO talent_profiles (user_id, is_submitted) VALUES (13, 1)`);
    await t.exec(`INSERT INTO matching_vectors (id, user_id, role, updated_at, vector_roles) VALUES (13, 13, 'talent', '2024-04-01', ?)`, [roles(13, 6)]);
    const arrived = await run();
    expect(arrived.s.rowsMeasured).toBe(1);
    expect(arrived.s.dims).toEqual(await referenceDims(t));
    expect(arrived.s.dims.roles).toBe(6);
    const incremental = await stored(t);
    const recorded = await t.exec('SELECT * FROM matching_vector_lengths ORDER BY row_id');
    const full = await run({ full: true });
    expect(full.s.dims).toEqual(arrived.s.dims);
    expect(await stored(t)).toEqual(incremental);
    expect(await t.exec('SELECT * FROM matching_vector_lengths ORDER BY row_id')).toEqual(recorded);
    expect(await t.exec('SELECT row_id FROM matching_vector_lengths ORDER BY row_id')).toEqual(Array.from({ length: N }, (_, i) => ({ row_id: i + 2 })));
  });

  it('--dry-run records nothing; --dim decides without the histogram but the lengths stay recorded', async () => {
    await change(7, 6, '2024-05-01');
    const before = await t.exec('SELECT * FROM matching_vector_lengths ORDER BY row_id');
    const dry = await run({ dryRun: true });
    expect(dry.s.rowsMeasured).toBe(1);
    expect(await t.exec('SELECT * FROM matching_vector_lengths ORDER BY row_id')).toEqual(before);
    const forced = await run({ dim: 4, allowShrink: true });
    expect(Object.values(forced.s.dims)).toEqual([4, 4, 4, 4, 4, 4]);
    const again = await run({ allowShrink: true });
    expect(again.s.rowsMeasured).toBe(0);
    expect(again.s.dims).toEqual(await referenceDims(t));
  });
});
