import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { FACETS } from '../../src/facets.js';
import { encodeFloat32 } from '../../src/vectors/float32.js';
import { formatDims, packVectors } from '../../src/vectors/packedVectors.js';
import { tempMigrationsDir } from '../helpers/tempMigrations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedCompany } from './matchSeed.js';

/** 0001 converts rows written in 0000's layout (one blob per facet) in place. */
describe('migration 0001_packed_vectors', () => {
  let t: TestDatabase;
  const tmp = tempMigrationsDir();
  beforeAll(async () => {
    t = await createTestDatabase('packed_vectors', { migrate: false });
    const j = tmp.journal();
    tmp.writeJournal({ ...j, entries: j.entries.filter((e) => e.tag === '0000_init') });
    await applyMigrations(t.db, { dir: tmp.dir });
  });
  afterAll(async () => {
    tmp.remove();
    await t?.drop();
  });

  it('packs the six blobs into vectors/facet_mask/facet_dims/vectors_hash exactly as packVectors does', async () => {
    const v = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7 + i));
    const talents: (Float32Array | null)[][] = [
      [v(4, 1), v(4, 2), v(4, 3), v(4, 4), v(4, 5), v(4, 6)],
      [null, v(4, 7), null, null, v(3, 8), null], // a short (wrong-dimension) facet keeps its own length
    ];
    for (const [i, vecs] of talents.entries()) {
      await t.exec("INSERT INTO users (id, email, password_hash, role) VALUES (?, ?, 'x', 'talent')", [i + 1, `t${i}@x.test`]);
      await t.exec('INSERT INTO talent_profiles (user_id, is_submitted) VALUES (?, 1)', [i + 1]);
      await t.exec(`INSERT INTO talent_embeddings (talent_user_id, ${FACETS.map((f) => `vec_${f}`).join(', ')}, model, source) VALUES (?, ?, ?, ?, ?, ?, ?, 'm', 'text')`, [
        i + 1,
        ...vecs.map((x) => (x ? encodeFloat32(x) : null)),
      ]);
    }
    const company = await seedCompany(t, 900);
    await t.exec(
      "INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, status) VALUES (5, ?, 'j', 'a', 'a', 'f', '서울', 'PUBLISHED')",
      [company],
    );
    await t.exec("INSERT INTO job_embeddings (job_posting_id, vec_culture, model, source) VALUES (5, ?, 'm', 'text')", [encodeFloat32(v(2, 9))]);

    await applyMigrations(t.db);

    const rows = (await t.exec('SELECT talent_user_id AS id, vectors, facet_mask, facet_dims, vectors_hash FROM talent_embeddings ORDER BY 1')) as Record<string, unknown>[];
    const expected = talents.map((vecs) => packVectors(vecs));
    expect(rows.map((r) => [Buffer.from(r.vectors as Buffer), Number(r.facet_mask), r.facet_dims, r.vectors_hash])).toEqual(
      expected.map((p) => [p.blob, p.mask, formatDims(p.dims), p.hash]),
    );
    expect(rows[1].facet_dims).toBe('0,4,0,0,3,0');
    const [job] = (await t.exec('SELECT facet_mask, facet_dims, vectors_hash FROM job_embeddings')) as Record<string, unknown>[];
    expect(job).toEqual({ facet_mask: 32, facet_dims: '0,0,0,0,0,2', vectors_hash: packVectors([null, null, null, null, null, v(2, 9)]).hash });
    const cols = (await t.exec("SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'talent_embeddings' AND column_name LIKE 'vec\\_%'")) as unknown[];
    expect(cols).toEqual([]);
  });
});
