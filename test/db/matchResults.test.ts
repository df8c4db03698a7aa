import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../../src/commands/match.js';
import { parseJson } from '../../src/store/parseJson.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedDirtyData } from './matchDirtyData.js';
import { diffDirection, matchCtx, publishedRows } from './matchHelpers.js';
import { bruteForceEngine, topKRef, type Entity } from './matchReference.js';
import { parseWeights } from '../../src/config.js';
import type { MergedFullRunCounts } from '../../src/store/runCounts.js';

describe('fitmatch match: published rows equal a brute-force reference', () => {
  let t: TestDatabase;
  let data: { talents: Entity[]; jobs: Entity[] };
  beforeAll(async () => {
    t = await createTestDatabase('match_results');
    data = await seedDirtyData(t);
  });
  afterAll(async () => t?.drop());

  const cases = [
    { name: 'default weights, k smaller than candidates', flags: { topK: '3' } },
    { name: 'k larger than candidates, custom weights with a zero weight', flags: { topK: '50', weights: 'roles=2,skills=1.5,growth=0' } },
  ];
  const engines = [
    { label: 'onnxruntime engine', engine: undefined },
    { label: 'brute-force stand-in', engine: bruteForceEngine() },
  ];
  for (const c of cases) for (const e of engines) {
    it(`${c.name} (${e.label})`, async () => {
      const ctx = matchCtx(t, c.flags);
      const summary = await match({ engine: e.engine }, ctx);
      const w = parseWeights(c.flags.weights ?? '');
      const k = Number(c.flags.topK);
      const rows = await publishedRows(t);
      expect(new Set(rows.map((r) => r.runId))).toEqual(new Set([summary.runId]));
      expect(diffDirection(rows, topKRef(data.talents, data.jobs, w, k, true), 'talent_to_job')).toEqual([]);
      expect(diffDirection(rows, topKRef(data.jobs, data.talents, w, k, false), 'job_to_talent')).toEqual([]);
      expect(summary.counts).toMatchObject({ eligibleTalents: 8, eligibleJobs: 7, talentsWithoutUsableFacet: 1 });
      expect((summary.counts as MergedFullRunCounts).skippedWrongDim).toEqual([1, 0, 0, 0, 1, 0]);
      expect((summary.counts as MergedFullRunCounts).skippedInvalid).toEqual([0, 0, 0, 1, 0, 0]);
    });
  }

  it('ties go to the smaller id in both directions', async () => {
    await match({}, matchCtx(t, { topK: '50' }));
    const rows = await publishedRows(t);
    // 201 and 203 carry identical vectors, as do talents 101 and 103.
    for (const talent of [101, 102, 108]) {
      const ranks = new Map(rows.filter((r) => r.direction === 'talent_to_job' && r.talent === talent).map((r) => [r.job, r]));
      expect(ranks.get(201)!.total).toBe(ranks.get(203)!.total);
      expect(ranks.get(201)!.rank).toBe(ranks.get(203)!.rank - 1);
    }
    const j = new Map(rows.filter((r) => r.direction === 'job_to_talent' && r.job === 206).map((r) => [r.talent, r]));
    expect(j.get(101)!.rank).toBe(j.get(103)!.rank - 1);
  });

  it('records params, counts, timings and status in match_runs', async () => {
    const summary = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '5', jobStatuses: 'PUBLISHED,CLOSED' }));
    const [run] = (await t.exec('SELECT * FROM match_runs WHERE id = ?', [summary.runId])) as Record<string, unknown>[];
    expect(run.status).toBe('succeeded');
    expect(run.kind).toBe('full');
    const params = parseJson(run.params) as Record<string, unknown>;
    expect(params).toMatchObject({ topK: 5, eligibility: { jobStatuses: ['PUBLISHED', 'CLOSED'], today: '2026-06-15', timezone: 'Asia/Seoul' } });
    const counts = parseJson(run.counts) as Record<string, number>;
    expect(counts.rowsTalentToJob).toBe((summary.counts as MergedFullRunCounts).rowsTalentToJob);
    expect(counts.rowsTalentToJob).toBeGreaterThan(0);
    expect(Object.keys(parseJson(run.timings) as object)).toEqual(expect.arrayContaining(['readMs', 'computeMs', 'persistMs', 'mergeMs', 'indexMs', 'publishMs', 'totalMs']));
  });

  it('both write modes produce identical tables', async () => {
    const strip = (rows: Awaited<ReturnType<typeof publishedRows>>) => rows.map(({ runId: _, ...r }) => r);
    await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '4', writeMode: 'load-data' }));
    const viaLoad = strip(await publishedRows(t));
    await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '4', writeMode: 'insert' }));
    const viaInsert = strip(await publishedRows(t));
    expect(viaLoad.length).toBeGreaterThan(0);
    expect(viaInsert).toEqual(viaLoad);
  });
});
