import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../../src/commands/match.js';
import { publish } from '../../src/commands/publish.js';
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

  it('refuses clearly when nothing is published', async () => {
    const err = await rollback({}, matchCtx(t)).catch((e) => e);
    expect(err).toBeInstanceOf(FitmatchError);
    expect((err as FitmatchError).exitCode).toBe(ExitCode.FAILED);
    expect((err as Error).message).toMatch(/nothing is published; nothing was changed/);
  });

  it('restores the previous run exactly, published_at included; never forward; publish --run-id brings the newer set back', async () => {
    const a = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '2' }));
    const rowsA = await publishedRows(t);
    const stateA = await publishedState(t);
    const b = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '4', weights: 'roles=3' }));
    const rowsB = await publishedRows(t);
    const stateB = await publishedState(t);
    expect(rowsB).not.toEqual(rowsA);

    const dry = await rollback({ dryRun: true }, matchCtx(t));
    expect(dry).toMatchObject({ dryRun: true, restoredRunId: a.runId, steps: [{ how: 'swap', unpublishedRunId: b.runId, restoredRunId: a.runId, restoredPublishedAt: (stateA.published_at as Date).toISOString() }] });
    expect(await publishedRows(t)).toEqual(rowsB);

    const r1 = await rollback({}, matchCtx(t));
    expect(r1).toMatchObject({ restoredRunId: a.runId, unpublishedRunId: b.runId, how: 'swap' });
    expect(await publishedRows(t)).toEqual(rowsA);
    expect(await status(t, b.runId)).toBe('rolled_back');
    expect(await publishedState(t)).toEqual(stateA);

    // Nothing older than run a is kept: a second rollback refuses and changes nothing.
    const err = await rollback({}, matchCtx(t)).catch((e) => e);
    expect((err as FitmatchError).exitCode).toBe(ExitCode.FAILED);
    expect((err as Error).message).toMatch(new RegExp(`no set older than run ${a.runId} is kept \\(the kept run ${b.runId} is newer: \`fitmatch publish --run-id ${b.runId}\` publishes it again\\)`));
    expect(await publishedRows(t)).toEqual(rowsA);

    await publish({ runId: b.runId }, matchCtx(t));
    expect(await publishedRows(t)).toEqual(rowsB);
    expect(await publishedState(t)).toEqual(stateB);
    expect(await status(t, b.runId)).toBe('succeeded');

    // A run after a rollback replaces the restored set and keeps it as previous.
    await rollback({}, matchCtx(t));
    const c = await match({ engine: bruteForceEngine() }, matchCtx(t, { topK: '1' }));
    expect(new Set((await publishedRows(t)).map((r) => r.runId))).toEqual(new Set([c.runId]));
    expect(await publishedRows(t, 'match_results_previous')).toEqual(rowsA);
  });
});
