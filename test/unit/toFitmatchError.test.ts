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

describe('privilege errors', () => {
  const sqlError = (code: string, sqlMessage: string) => Object.assign(new Error(sqlMessage), { code, sqlMessage, errno: 1142 });
  it('name the privilege and the table, exit 30, also when a migration wrapped the statement', () => {
    const e = sqlError('ER_TABLEACCESS_DENIED_ERROR', "DROP command denied to user 'fitmatch'@'10.0.0.5' for table `fitconnect`.`match_results_r12`");
    expect(toFitmatchError(e)).toMatchObject({ exitCode: ExitCode.DB_PRIVILEGE, message: expect.stringContaining("the database user 'fitmatch' lacks the DROP privilege on table fitconnect.match_results_r12 (ER_TABLEACCESS_DENIED_ERROR)") });
    const wrapped = new FitmatchError('migration 0000_init failed at statement 3/11: …', ExitCode.FAILED, { cause: sqlError('ER_TABLEACCESS_DENIED_ERROR', "INDEX command denied to user 'fitmatch'@'%' for table 'match_runs'") });
    expect(toFitmatchError(wrapped)).toMatchObject({ exitCode: ExitCode.DB_PRIVILEGE, message: expect.stringMatching(/^migration 0000_init failed at statement 3\/11: the database user 'fitmatch' lacks the INDEX privilege on table match_runs/) });
    expect(toFitmatchError(sqlError('ER_SPECIFIC_ACCESS_DENIED_ERROR', 'Access denied; you need (at least one of) the SUPER privilege(s) for this operation'))!.message).toContain('lacks the SUPER privilege');
  });
});
