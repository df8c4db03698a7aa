import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../../src/commands/match.js';
import { rollback } from '../../src/commands/rollback.js';
import { ExitCode, FitmatchError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedDirtyData } from './matchDirtyData.js';
import { matchCtx, publishedRows } from './matchHelpers.js';
import { bruteForceEngine } from './matchReference.js';

const publishedState = async (t: TestDatabase) => ((await t.exec('SELECT * FROM match_published')) as Record<string, unknown>[])[0];
const status = async (t: TestDatabase, id: number) => ((await t.exec('SELECT status FROM match_runs WHERE id = ?', [id])) as { status: string }[])[0].status;

describe('fitmatch rollback', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('rollback');
    await seedDirtyData(t);
  });
  afterAll(async () => t?.drop());

  it('refuses clearly when there is no previous set', async () => {
    const ctx = matchCtx(t);
    const err = await rollback({}, ctx).catch((e) => e);
    expect(err).toBeInstanceOf(FitmatchError);
    expect((err as FitmatchError).exitCode).toBe(ExitCode.FAILED);
    expect((err as Error).message).toMatch(/no previous result set/);
  });

  it('restores the previous run exactly, and a second rollback undoes the first', async () => {
    const a = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '2' }));
    const rowsA = await publishedRows(t);
    const b = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '4', weights: 'roles=3' }));
    const rowsB = await publishedRows(t);
    expect(rowsB).not.toEqual(rowsA);

    const r1 = await rollback({}, matchCtx(t));
    expect(r1).toEqual({ restoredRunId: a.runId, unpublishedRunId: b.runId, how: 'swap' });
    expect(await publishedRows(t)).toEqual(rowsA);
    expect(await status(t, b.runId)).toBe('rolled_back');
    expect(await publishedState(t)).toMatchObject({ run_id: a.runId, top_k: 2, weight_roles: 1 });

    await rollback({}, matchCtx(t));
    expect(await publishedRows(t)).toEqual(rowsB);
    expect(await publishedState(t)).toMatchObject({ run_id: b.runId, base_run_id: b.runId, top_k: 4, weight_roles: 3, weight_skills: 1 });
    expect(await status(t, b.runId)).toBe('succeeded');

    await rollback({}, matchCtx(t));
    // A run after a rollback replaces the restored set and keeps it as previous.
    const c = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '1' }));
    expect(new Set((await publishedRows(t)).map((r) => r.runId))).toEqual(new Set([c.runId]));
    expect(await publishedRows(t, 'match_results_previous')).toEqual(rowsA);
  });
});
