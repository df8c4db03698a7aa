import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockName } from '../../src/db/advisoryLock.js';
import { poolOptions } from '../../src/db/connect.js';
import { ExitCode } from '../../src/errors.js';
import { killAllFitmatch, runFitmatch } from '../helpers/fitmatchProcess.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/** The error lines of a stderr: JSON lines with level error, or human lines starting "error:". */
function errorLines(stderr: string, format: 'human' | 'json'): string[] {
  const lines = stderr.split('\n').filter((l) => l.trim());
  if (format === 'human') return lines.filter((l) => l.startsWith('error: '));
  return lines.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'error').map((l) => l.msg);
}

/**
 * Issue 10, class 9: usage errors follow --log-format / FITMATCH_LOG_FORMAT
 * (one JSON line in json mode, one line in human mode, exit 2), and a lock
 * conflict or "no previous set" prints exactly one error line.
 */
afterAll(killAllFitmatch);

describe('usage errors from the command line parser', () => {
  it.each([
    ['an unknown flag', ['migrate', '--chek'], /unknown option '--chek' \(Did you mean --check\?\)/],
    ['a missing value', ['match', '--top-k'], /option '--top-k <n>' argument missing/],
    ['an unknown command', ['matc'], /unknown command 'matc' \(Did you mean match\?\)/],
    ['an invalid choice', ['backfill', '--source', 'csv'], /argument 'csv' is invalid/],
    ['a bad --block-rows', ['match', '--block-rows', '1e2'], /--block-rows must be a whole number/],
  ] as const)('%s: exit 2, one line in each format, nothing on stdout', async (_what, args, message) => {
    for (const [format, flags, env] of [
      ['json', ['--log-format', 'json'], {}],
      ['json', ['--log-format=json'], {}],
      ['json', [], { FITMATCH_LOG_FORMAT: 'json' }],
      ['human', ['--log-format', 'human'], {}],
      ['human', [], { FITMATCH_LOG_FORMAT: 'human' }],
    ] as const) {
      const r = await runFitmatch([...flags, ...args], { env });
      expect(r.code, r.stderr).toBe(ExitCode.USAGE);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l.trim());
      expect(lines, r.stderr).toHaveLength(1);
      if (format === 'json') {
        expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', msg: expect.stringMatching(message), exitCode: 2 });
      } else {
        expect(lines[0]).toMatch(/^error: /);
        expect(lines[0]).toMatch(message);
      }
    }
  });

  it('--help and --version still print to stdout and exit 0', async () => {
    const help = await runFitmatch(['--log-format', 'json', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: fitmatch');
  });
});

describe('one error line per failure', () => {
  let t: TestDatabase;
  let holder: mysql.Connection;
  beforeAll(async () => {
    t = await createTestDatabase('hardening_errline');
    holder = await mysql.createConnection(poolOptions(t.config.db));
  });
  afterAll(async () => {
    await holder?.end();
    await t?.drop();
  });

  it.each([
    ['match', ['match'], 'match'],
    ['rollback', ['rollback'], 'match'],
    ['backfill', ['backfill'], 'backfill'],
  ] as const)('a lock conflict (%s): exit 4 and exactly one error line, in both formats', async (_cmd, args, purpose) => {
    const name = lockName(t.name, purpose);
    await holder.query('SELECT GET_LOCK(?, 0)', [name]);
    try {
      for (const format of ['human', 'json'] as const) {
        const r = await runFitmatch(['--log-format', format, ...args], { env: { DATABASE_URL: t.url } });
        expect(r.code, r.stderr).toBe(ExitCode.LOCKED);
        const errors = errorLines(r.stderr, format);
        expect(errors, r.stderr).toHaveLength(1);
        expect(errors[0]).toContain(`holds the lock "${name}"`);
        if (format === 'human') expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
    } finally {
      await holder.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  });

  it('rollback with nothing to restore: exit 6 and exactly one error line, in both formats', async () => {
    for (const format of ['human', 'json'] as const) {
      const r = await runFitmatch(['--log-format', format, 'rollback'], { env: { DATABASE_URL: t.url } });
      expect(r.code, r.stderr).toBe(ExitCode.FAILED);
      const errors = errorLines(r.stderr, format);
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(/rollback: (nothing is published|no set older than run \d+ is kept)/);
      if (format === 'human') expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
