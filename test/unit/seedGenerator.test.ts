import { describe, expect, it } from 'vitest';
import { cosine, facetGroup, makeCentroids, sampleAround } from '../../src/seed/centroids.js';
import { DIRTY_KINDS, DirtySpreader } from '../../src/seed/dirty.js';
import { generateAll } from '../../src/seed/generate.js';
import { GenState } from '../../src/seed/genState.js';
import { JsonWriter } from '../../src/seed/jsonWriter.js';
import { CITIES, POSTING_STATUSES, SALARY_RANGES } from '../../src/seed/korean.js';
import { dirtyPayload, FACET_DIRTY_KINDS, validPayload } from '../../src/seed/payloads.js';
import { Rng, rngFor } from '../../src/seed/rng.js';
import { RawSql, SEED_TABLES, type Row, type RowSink, type SeedTable } from '../../src/seed/tables.js';
import { splitSqlStatements } from '../../src/seed/appSchema.js';
import { PRODUCTION_NAME, refusal } from '../../src/seed/safety.js';

class MemorySink implements RowSink {
  rows: Partial<Record<SeedTable, Row[]>> = {};
  add(table: SeedTable, row: Row) {
    (this.rows[table] ??= []).push(row);
  }
  async ready() {}
}

const BASES = { users: 1, companies: 1, job_postings: 1, job_posting_cards: 1, experiences: 1, educations: 1, activities: 1, certifications: 1, talent_cards: 1, matching_vectors: 1 };
const OPTS = { seed: 7, dim: 16, talents: 300, jobs: 80, companies: 12, dirty: 0.3, now: new Date('2025-03-10T03:00:00Z'), timezone: 'Asia/Seoul' };

async function generate(opts = OPTS) {
  const st = new GenState(opts, BASES);
  const sink = new MemorySink();
  await generateAll(st, sink);
  return { st, rows: sink.rows };
}

const col = (table: SeedTable, name: string) => (SEED_TABLES[table] as readonly string[]).indexOf(name);
const payloadOf = (v: unknown) => (v instanceof RawSql ? JSON.parse(v.sql.slice(1, -1)) : v);

describe('seed generator', () => {
  it('is deterministic: the same seed gives the same rows, another seed different ones', async () => {
    const a = await generate();
    const b = await generate();
    expect(b.rows).toEqual(a.rows);
    expect(b.st.manifest).toEqual(a.st.manifest);
    const c = await generate({ ...OPTS, seed: 8 });
    expect(c.rows.matching_vectors).not.toEqual(a.rows.matching_vectors);
  });

  it('writes rows with one value per column and valid enum values', async () => {
    const { rows } = await generate();
    for (const [table, list] of Object.entries(rows) as [SeedTable, Row[]][]) {
      for (const r of list) expect(r.length).toBe(SEED_TABLES[table].length);
    }
    for (const p of rows.job_postings!) {
      expect(POSTING_STATUSES).toContain(p[col('job_postings', 'status')]);
      expect(CITIES).toContain(p[col('job_postings', 'location_city')]);
      const salary = p[col('job_postings', 'salary_range')];
      if (salary !== null) expect(SALARY_RANGES).toContain(salary);
    }
    const emails = rows.users!.map((u) => u[1]);
    expect(new Set(emails).size).toBe(emails.length);
  });

  it('puts every dirty kind in the manifest when the share allows, and each recorded row exists', async () => {
    const { st, rows } = await generate();
    const ids = new Set(rows.matching_vectors!.map((r) => r[0]));
    for (const kind of DIRTY_KINDS) {
      expect(st.manifest.dirty[kind].count, kind).toBeGreaterThan(0);
      for (const e of st.manifest.dirty[kind].examples) expect(ids.has(e.vectorRowId)).toBe(true);
    }
  });

  it('writes every payload shape, as parseable JSON', async () => {
    const { st, rows } = await generate();
    expect(Object.values(st.manifest.payloads.shapes).every((n) => n > 0)).toBe(true);
    expect(st.manifest.payloads.stringItems).toBeGreaterThan(0);
    for (const r of rows.matching_vectors!) for (let f = 3; f <= 8; f++) if (r[f] !== null) expect(() => payloadOf(r[f])).not.toThrow();
  });

  it('pins every posting status × deadline case', async () => {
    const { st } = await generate();
    expect(Object.values(st.manifest.statuses).every((n) => n > 0)).toBe(true);
    expect(Object.values(st.manifest.deadlines).every((n) => n > 0)).toBe(true);
    expect(st.manifest.softDeleted.jobPostings).toBeGreaterThan(0);
    expect(st.manifest.softDeleted.talentProfiles).toBeGreaterThan(0);
    expect(st.manifest.softDeleted.users).toBeGreaterThan(0);
    expect(st.manifest.talentsWithoutProfile).toBeGreaterThan(0);
  });
});

describe('clusters', () => {
  it('same-cluster vectors are closer than cross-cluster ones', () => {
    const dim = 256;
    const centroids = makeCentroids(1, dim);
    const rng = new Rng(3);
    const draw = (cluster: number) => Array.from(sampleAround(rng, centroids[facetGroup(0, cluster, 0)][0], 1, new Float32Array(dim)));
    let same = 0;
    let cross = 0;
    for (let i = 0; i < 20; i++) {
      same += cosine(draw(0), draw(0));
      cross += cosine(draw(0), draw(6));
    }
    expect(same / 20).toBeGreaterThan(cross / 20 + 0.25);
  });
});

describe('payloads', () => {
  const v = new Float32Array([0.5, -0.25, 0.125, 1e-9, -0.7071068]);

  it('valid payloads parse back to the vector (7 decimals)', () => {
    const w = new JsonWriter();
    for (let s = 0; s < 30; s++) {
      const p = JSON.parse(validPayload(w, new Rng(s), v));
      const items = (Array.isArray(p) ? p : p.vector ?? p.values ?? p.embedding).map(Number);
      items.forEach((x: number, i: number) => expect(x).toBeCloseTo(v[i], 6));
    }
  });

  it('each dirty kind is valid JSON but breaks the facet as named', () => {
    const w = new JsonWriter();
    const list = (p: unknown) => (Array.isArray(p) ? p : ((p as Record<string, unknown>).vector ?? (p as Record<string, unknown>).values ?? (p as Record<string, unknown>).embedding)) as unknown[] | undefined;
    for (const kind of FACET_DIRTY_KINDS) {
      const p = JSON.parse(dirtyPayload(w, new Rng(1), kind, v));
      const items = list(p);
      if (kind === 'wrong_dim') expect(items!.length).not.toBe(v.length);
      if (kind === 'zero_vector') expect(items!.every((x) => x === 0)).toBe(true);
      if (kind === 'float32_overflow') expect(items!.some((x) => Math.abs(x as number) > 3.4028235e38)).toBe(true);
      if (kind === 'non_numeric_item') expect(items!.some((x) => typeof x !== 'number')).toBe(true);
      if (kind === 'empty_list') expect(items).toEqual([]);
      if (kind === 'wrong_shape_object') expect(Array.isArray(p) || items !== undefined).toBe(false);
      if (kind === 'wrong_shape_number') expect(typeof p).toBe('number');
      if (kind === 'wrong_shape_string') expect(typeof p).toBe('string');
    }
  });

  it('the writer formats numbers as JSON numbers', () => {
    const w = new JsonWriter();
    for (const x of [0, -0, 1, -1, 0.1, 123.4567891, -0.00000004, 2.5e-8, 1e39]) {
      const s = w.reset().num(x).toString();
      expect(Number(JSON.parse(s))).toBeCloseTo(x, 6);
    }
  });
});

describe('DirtySpreader', () => {
  it('hits share × n candidates, cycling kinds', () => {
    const s = new DirtySpreader(0.25, ['a', 'b']);
    const hits = Array.from({ length: 16 }, () => s.next()).filter(Boolean);
    expect(hits).toEqual(['a', 'b', 'a', 'b']);
    expect(new DirtySpreader(0, ['a']).next()).toBeNull();
  });

  it('streams per entity are independent of order', () => {
    expect(rngFor(1, 'talent', 5).u32()).toBe(rngFor(1, 'talent', 5).u32());
    expect(rngFor(1, 'talent', 5).u32()).not.toBe(rngFor(1, 'talent', 6).u32());
  });
});

describe('splitSqlStatements', () => {
  it('splits a dump into statements without comments', () => {
    expect(splitSqlStatements("-- c\nSET NAMES utf8mb4;\nCREATE TABLE t (\n  a enum('x','y')\n);\n\nINSERT INTO t VALUES ('x');")).toEqual([
      'SET NAMES utf8mb4',
      "CREATE TABLE t (\n  a enum('x','y')\n)",
      "INSERT INTO t VALUES ('x')",
    ]);
  });
});

describe('seed target safety', () => {
  it('refuses production-looking names and foreign users, allows an empty or seed-only database', () => {
    const clean = { seedUsers: 0, foreignUsers: 0, looksLikeProduction: false };
    expect(refusal(clean, 'fitmatch_demo')).toBeNull();
    expect(refusal({ ...clean, seedUsers: 10 }, 'x')).toBeNull();
    expect(refusal({ ...clean, foreignUsers: 1 }, 'x')).toMatch(/did not create/);
    expect(refusal({ ...clean, looksLikeProduction: true }, 'fitconnect_prod')).toMatch(/production/);
    expect(['fitconnect_prod', 'prod', 'production', 'fitconnect-live'].every((n) => PRODUCTION_NAME.test(n))).toBe(true);
    expect(['fitconnect', 'fitmatch_demo', 'products', 'delivery'].some((n) => PRODUCTION_NAME.test(n))).toBe(false);
  });
});
