import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRTY_SQL } from '../db/backfillDirtyData.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const BIN = fileURLToPath(new URL('../../bin/fitmatch', import.meta.url));

async function fitmatch(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('fitmatch backfill (spawned)', () => {
  let t: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'fitmatch-backfill-'));
  beforeAll(async () => {
    t = await createTestDatabase('backfill_e2e');
    await t.exec(DIRTY_SQL);
  });
  afterAll(async () => t?.drop());

  it('imports, writes --report-json, logs JSON progress lines, then finds nothing to do', async () => {
    const report = join(dir, 'report.json');
    const first = await fitmatch(['backfill', '--report-json', report, '--log-format', 'json'], { DATABASE_URL: t.url });
    expect(first.code, first.stderr).toBe(0);
    const s = JSON.parse(readFileSync(report, 'utf8'));
    expect(s.entity.talents.inserted).toBe(5);
    expect(s.entity.jobs.inserted).toBe(2);
    expect(s.rowSkips.posting_of_other_company.count).toBe(2);
    const events = first.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.some((e) => e.event === 'progress' && e.task === 'backfill')).toBe(true);
    expect(events.some((e) => e.event === 'backfill_summary')).toBe(true);

    const second = await fitmatch(['backfill', '--report-json', report], { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'human' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('nothing to do');
    const again = JSON.parse(readFileSync(report, 'utf8'));
    expect(again.entity.talents).toMatchObject({ inserted: 0, updated: 0, removed: 0, unchanged: 5 });
  });

  it('rejects a bad --source with a usage error (exit 2)', async () => {
    const r = await fitmatch(['backfill', '--source', 'nope'], { DATABASE_URL: t.url });
    expect(r.code).toBe(2);
  });
});
