import type { DbSettings } from '../config.js';

/** Nothing speaks MySQL there: refused, silent, or hung up on us. */
const NO_ANSWER = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST']);
/** A server answers but root may not log in over TCP (1698: Debian's root is unix_socket only). */
const ROOT_REFUSED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR', 'ER_HOST_NOT_PRIVILEGED']);

export function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Why the demo should run on a throwaway server instead of `s`, as the start of a
 * sentence, or null when the error must stand: a remote host is a server the user
 * chose, and a named user other than root was refused for a reason they should see.
 */
export function throwawayReason(s: DbSettings, error: unknown): string | null {
  if (!isLocalHost(s.host)) return null;
  const code = (error as { code?: string })?.code ?? '';
  const where = `${s.host}:${s.port}`;
  if (NO_ANSWER.has(code)) return `no MySQL/MariaDB answers at ${where}`;
  if (ROOT_REFUSED.has(code) && s.user === 'root') return `the MySQL/MariaDB at ${where} does not let root log in over TCP (${code})`;
  return null;
}
