import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/freePort.js';
import { ExitCode } from '../../src/errors.js';
import { killAllFitmatch, runFitmatch } from '../helpers/fitmatchProcess.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/** stdout as exactly one JSON document (JSON.parse throws on two, or on a human line around it). */
const oneDocument = (stdout: string): Record<string, unknown> => JSON.parse(stdout) as Record<string, unknown>;

/** Every subcommand with --json, each with what it needs to get as far as the database. */
const COMMANDS: string[][] = [
  ['run'],
  ['match'],
  ['backfill'],
  ['migrate'],
  ['migrate', '--check'],
  ['migrate', 'status'],
  ['publish', '--run-id', '999'],
  ['rollback'],
  ['cleanup'],
  ['status'],
  ['explain', '--talent', '1'],
  ['seed', '--talents', '5', '--jobs', '2'],
];

afterAll(killAllFitmatch);

/**
 * Issue 24: monitors parse stdout and read `health.exitCode`/`exitCode` on every
 * exit, so under --json each command prints exactly one JSON document whatever
 * the exit: a failure with no report of its own prints the failure document.
 */
describe('--json on every exit', () => {
  let unreachable: string;
  beforeAll(async () => {
    unreachable = `mysql://root@127.0.0.1:${await freePort()}/fitconnect`;
  });

  it.each(COMMANDS.map((c) => [c.join(' '), c]))('%s with the database unreachable: exit 3 and one failure document', async (_name, args) => {
    const r = await runFitmatch([...args, '--json', '--retries', '0'], { env: { DATABASE_URL: unreachable, FITMATCH_LOG_FORMAT: 'json' } });
    expect(r.code, r.stderr).toBe(ExitCode.DB_UNAVAILABLE);
    expect(oneDocument(r.stdout)).toMatchObject({ ok: false, exitCode: 3, error: { code: 'DB_UNAVAILABLE', message: expect.any(String) } });
  });

  it('status keeps the health shape monitors read', async () => {
    const r = await runFitmatch(['status', '--json'], { env: { DATABASE_URL: unreachable, FITMATCH_LOG_FORMAT: 'json' } });
    expect(r.code).toBe(3);
    expect(oneDocument(r.stdout)).toMatchObject({ health: { exitCode: 3, problems: [{ kind: 'status_failed', exitCode: 3 }] } });
  });

  it('a usage error: exit 2 and one failure document', async () => {
    const r = await runFitmatch(['status', '--json', '--max-age', 'soon'], { env: { FITMATCH_LOG_FORMAT: 'json' } });
    expect(r.code).toBe(ExitCode.USAGE);
    expect(oneDocument(r.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'USAGE', message: expect.stringContaining('--max-age') } });
  });

  it('a bad setting from the environment: exit 2 and one failure document', async () => {
    const r = await runFitmatch(['match', '--json'], { env: { FITMATCH_LOG_FORMAT: 'json', FITMATCH_TOP_K: 'many' } });
    expect(r.code).toBe(ExitCode.USAGE);
    expect(oneDocument(r.stdout)).toMatchObject({ exitCode: 2, error: { code: 'USAGE' } });
  });

  describe('the metrics files of status and run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitmatch-metrics-'));
    it.each([
      ['status', 'fitmatch_status_exit_code'],
      ['run', 'fitmatch_run_exit_code'],
    ])('%s --metrics-file replaces the last healthy file when the database is unreachable', async (command, gauge) => {
      const file = join(dir, `${command}.prom`);
      writeFileSync(file, `${gauge} 0\n`);
      const r = await runFitmatch([command, '--metrics-file', file, '--retries', '0'], { env: { DATABASE_URL: unreachable, FITMATCH_LOG_FORMAT: 'json' } });
      expect(r.code).toBe(3);
      expect(readFileSync(file, 'utf8')).toContain(`${gauge} 3\n`);
    });

    it.each([
      ['status', 'fitmatch_status_exit_code'],
      ['run', 'fitmatch_run_exit_code'],
    ])('%s --metrics-file is written on a usage error too', async (command, gauge) => {
      const file = join(dir, `${command}-usage.prom`);
      const r = await runFitmatch([command, '--metrics-file', file, '--bogus'], { env: { FITMATCH_LOG_FORMAT: 'json' } });
      expect(r.code).toBe(2);
      expect(readFileSync(file, 'utf8')).toContain(`${gauge} 2\n`);
    });
  });
});

describe('--json on error exits against a real database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('json_every_exit');
  });
  afterAll(async () => t?.drop());

  it.each([
    ['publish of an unknown run', ['publish', '--run-id', '999'], ExitCode.USAGE],
    ['explain without a side', ['explain'], ExitCode.USAGE],
    ['rollback with nothing published', ['rollback'], ExitCode.FAILED],
    ['status with nothing published', ['status'], ExitCode.STATUS_INCOMPLETE],
  ] as const)('%s: one JSON document, the exit code in it', async (_what, args, code) => {
    const r = await runFitmatch([...args, '--json'], { env: { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' } });
    expect(r.code, r.stderr).toBe(code);
    const doc = oneDocument(r.stdout);
    expect(doc.exitCode ?? (doc.health as { exitCode: number }).exitCode).toBe(code);
  });
});
