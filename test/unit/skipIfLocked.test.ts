import { describe, expect, it } from 'vitest';
import { ExitCode, FitmatchError, LockedError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { report } from '../../src/report.js';
import { skipIfLocked } from '../../src/cli/skipIfLocked.js';

describe('--skip-if-locked', () => {
  it('turns a lock held by another process into a report saying it skipped; other errors stay errors', async () => {
    const log = memoryLogger();
    const r = await skipIfLocked(() => Promise.reject(new LockedError('fitmatch:db:match', 'a fitmatch match')), log);
    expect(r.data).toEqual({ skipped: true, reason: 'a fitmatch match holds the lock "fitmatch:db:match"; try again when it has finished' });
    expect(r.human).toMatch(/^skipped \(--skip-if-locked\): a fitmatch match holds the lock .*; nothing was published$/);
    expect(log.lines).toEqual([expect.stringContaining('skipped (--skip-if-locked)')]);
    await expect(skipIfLocked(() => Promise.reject(new FitmatchError('boom', ExitCode.FAILED)), log)).rejects.toMatchObject({ exitCode: ExitCode.FAILED });
    expect((await skipIfLocked(async () => report({ ok: 1 }, 'done'), log)).human).toBe('done');
  });
});
