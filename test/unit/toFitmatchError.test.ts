import { describe, expect, it } from 'vitest';
import { ExitCode, FitmatchError, LockedError, toFitmatchError } from '../../src/errors.js';

describe('toFitmatchError', () => {
  it('keeps typed errors as they are', () => {
    const locked = new LockedError('fitmatch:db:match');
    expect(toFitmatchError(locked)).toBe(locked);
  });

  it('maps a dropped connection to DB_UNAVAILABLE (3)', () => {
    const e = Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });
    const mapped = toFitmatchError(e);
    expect(mapped?.exitCode).toBe(ExitCode.DB_UNAVAILABLE);
    expect(mapped?.message).toContain('PROTOCOL_CONNECTION_LOST');
  });

  it('maps a server-side SQL error to FAILED (6) with the server message', () => {
    const e = Object.assign(new Error('x'), { code: 'ER_LOCK_WAIT_TIMEOUT', sqlMessage: 'Lock wait timeout exceeded; try restarting transaction' });
    const mapped = toFitmatchError(e);
    expect(mapped).toBeInstanceOf(FitmatchError);
    expect(mapped?.exitCode).toBe(ExitCode.FAILED);
    expect(mapped?.message).toBe('database error (ER_LOCK_WAIT_TIMEOUT): Lock wait timeout exceeded; try restarting transaction');
  });

  it('leaves plain programming errors unmapped (INTERNAL, with stack, at the top level)', () => {
    expect(toFitmatchError(new TypeError('x is undefined'))).toBeNull();
  });
});
