import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../src/commands/backfill.js';
import { match } from '../../src/commands/match.js';
import { seed } from '../../src/commands/seed.js';
import { resultSet } from '../e2e/shardData.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { ctxFor } from './backfillHelpers.js';
import { matchCtx } from './matchHelpers.js';

/** A full run with --vector-cache reads unchanged vectors from the local copy, and publishes what a run without it does. */
describe('match (full run) --vector-cache', () => {
  let t: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'fitmatch-full-vcache-'));

  beforeAll(async () => {
    t = await createTestDatabase('match_full_vcache');
    const c = ctxFor(t);
    await seed({ seed: 9, talents: 120, jobs: 40, companies: 4, dim: 8, dirty: 0.05, timezone: 'Asia/Seoul' }, c);
    await backfill({ source: 'matching_vectors' }, c);
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the second run takes every vector from the cache, and each run stages the same rows as one without it', async () => {
    const staged = async (vectorCache?: string) => {
      const c = matchCtx(t, { today: '2026-01-05', topK: '5', ...(vectorCache ? { vectorCache } : {}) });
      const s = await match({ publish: false }, c);
      return { rows: await resultSet(t, `match_results_r${s.runId}`), log: c.log.lines.join('\n') };
    };
    const plain = await staged();
    const cold = await staged(dir);
    expect(cold.log).toMatch(/vector cache is empty/);
    expect(cold.log).toMatch(/vector cache \S+talent\S*: 0 used, [1-9]\d* not there or changed, 0 rejected \(bytes did not match vectors_hash\), [1-9]\d* stored/);
    const warm = await staged(dir);
    expect(warm.log).toMatch(/vector cache \S+talent\S*: [1-9]\d* used, 0 not there or changed, 0 rejected \(bytes did not match vectors_hash\), 0 stored/);
    expect(warm.log).toMatch(/vector cache \S+job\S*: [1-9]\d* used, 0 not there or changed/);
    expect(plain.rows.length).toBeGreaterThan(0);
    expect(cold.rows).toEqual(plain.rows);
    expect(warm.rows).toEqual(plain.rows);
  });
});
