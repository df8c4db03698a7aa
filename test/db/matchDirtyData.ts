import type { TestDatabase } from '../helpers/testDb.js';
import type { Entity } from './matchReference.js';
import { rng, seedCompany, seedJob, seedTalent } from './matchSeed.js';

const DIM = 8;

/**
 * A small dirty dataset: missing facets, duplicate vectors (ties), negated
 * vectors (negative cosines), a pair with no shared facet, a blob of the wrong
 * dimension, a zero vector, and an entity left with no usable facet.
 * Returns what the reference should see (bad blobs already removed).
 */
export async function seedDirtyData(t: TestDatabase): Promise<{ talents: Entity[]; jobs: Entity[] }> {
  const r = rng(42);
  const v = () => Array.from({ length: DIM }, r);
  const all = () => [v(), v(), v(), v(), v(), v()];
  const neg = (x: number[]) => x.map((a) => -a);
  const wrongDim = new Uint8Array(12);
  const zero = new Array(DIM).fill(0);

  const j201 = all();
  const jobs: Entity[] = [
    { id: 201, vecs: j201 },
    { id: 202, vecs: [v(), null, null, null, null, null] },
    { id: 203, vecs: j201.map((x) => [...x]) },
    { id: 204, vecs: [null, v(), v(), v(), null, null] },
    { id: 205, vecs: [null, null, null, null, v(), v()] },
    { id: 206, vecs: all() },
    { id: 207, vecs: [v(), v(), null, null, null, null] },
  ];
  const t101 = all();
  const talents: Entity[] = [
    { id: 101, vecs: t101 },
    { id: 102, vecs: [v(), v(), null, null, null, null] },
    { id: 103, vecs: t101.map((x) => [...x]) },
    { id: 104, vecs: [null, null, null, null, null, v()] },
    { id: 105, vecs: [neg(j201[0]), neg(j201[1]), null, neg(j201[3]), null, null] },
    { id: 106, vecs: [null, null, v(), null, null, null] },
    { id: 107, vecs: [v(), null, null, null, null, null] },
    { id: 108, vecs: all() },
  ];
  const company = await seedCompany(t, 900);
  for (const j of jobs) await seedJob(t, { id: j.id, companyId: company, vecs: j.vecs, deadline: j.id === 206 ? '2026-06-15' : null });
  for (const e of talents) {
    const stored = [...e.vecs] as (number[] | Uint8Array | null)[];
    if (e.id === 106) stored[4] = wrongDim; // vision: 3 floats instead of 8 -> skipped
    if (e.id === 107) stored[3] = zero; // career: zero vector -> skipped
    await seedTalent(t, { id: e.id, vecs: stored });
  }
  await seedTalent(t, { id: 109, vecs: [wrongDim, null, null, null, null, null] }); // nothing usable
  return { talents, jobs };
}
