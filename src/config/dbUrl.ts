import type { DbSettings } from '../db/dbSettings.js';

export type { DbSettings };

/** Thrown with a message that never contains any part of the URL's password. */
export class DbUrlError extends Error {}

/**
 * Parses mysql://user:password@host:port/database[?…]. The host starts after the
 * LAST "@", as in most MySQL drivers, so a password may hold an unencoded "@",
 * ":", "/", "?" or "#"; percent-escapes are decoded, and a malformed one (%ZZ)
 * is an error rather than a guess. Query parameters are ignored (and never
 * printed: they could hold credentials).
 */
export function parseDbUrl(raw: string): DbSettings {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  if (!m) throw new DbUrlError('is not a URL (expected mysql://user:password@host:3306/database)');
  if (m[1].toLowerCase() !== 'mysql') throw new DbUrlError(`must start with mysql:// (got ${m[1].slice(0, 20)}://)`);
  const rest = raw.slice(m[0].length);
  const at = lastAtOfAuthority(rest);
  const userinfo = at < 0 ? '' : rest.slice(0, at);
  const afterAt = rest.slice(at + 1);
  const slash = afterAt.search(/[/?#]/);
  const hostport = slash < 0 ? afterAt : afterAt.slice(0, slash);
  const path = slash < 0 ? '' : afterAt.slice(slash);

  const colon = userinfo.indexOf(':');
  const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const rawPassword = colon < 0 ? '' : userinfo.slice(colon + 1);
  const user = decode(rawUser, 'the user name');
  const password = decode(rawPassword, 'the password');

  const { host, port } = splitHostPort(hostport);
  const dbPart = path.startsWith('/') ? path.slice(1).split(/[?#]/)[0] : '';
  const database = decode(dbPart, 'the database name');
  if (!database) throw new DbUrlError('has no database name (mysql://user@host:3306/DATABASE)');
  if (/[/\\`]/.test(database)) throw new DbUrlError('has a database name with "/", "\\" or "`"');
  const shownUser = encodeURIComponent(user || 'root');
  return {
    host,
    port,
    user: user || 'root',
    password,
    database,
    display: `mysql://${shownUser}${password ? ':***' : ''}@${host.includes(':') ? `[${host}]` : host}:${port}/${encodeURIComponent(database)}`,
  };
}

/**
 * Every form in which the password of `raw` could appear in a message: as
 * written, decoded, re-encoded. Best effort on URLs that do not parse, so that
 * even an invalid DATABASE_URL's password is redacted.
 */
export function passwordForms(raw: string): string[] {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw);
  const rest = scheme ? raw.slice(scheme[0].length) : raw;
  const at = lastAtOfAuthority(rest);
  if (at < 0) return [];
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return [];
  const written = userinfo.slice(colon + 1);
  const forms = new Set([written]);
  try {
    const decoded = decodeURIComponent(written);
    forms.add(decoded);
    forms.add(encodeURIComponent(decoded));
  } catch {
    // A malformed escape: the written form is all there is.
  }
  return [...forms].filter((s) => s.length > 0);
}

/** The "@" that ends the userinfo: the last one, so the password may contain any character (host and database may not hold "@"). */
const lastAtOfAuthority = (rest: string): number => rest.lastIndexOf('@');

function splitHostPort(hostport: string): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) throw new DbUrlError('has an unterminated [IPv6] host');
    host = hostport.slice(1, end);
    const after = hostport.slice(end + 1);
    if (after && !after.startsWith(':')) throw new DbUrlError('has text after the [IPv6] host');
    portText = after ? after.slice(1) : undefined;
  } else {
    const colon = hostport.lastIndexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    portText = colon < 0 ? undefined : hostport.slice(colon + 1);
  }
  if (!host) throw new DbUrlError('has no host');
  if (!/^[A-Za-z0-9._:-]+$/.test(host)) throw new DbUrlError('has a host name with characters a host cannot have (encode reserved characters in the password as %XX)');
  if (portText === undefined || portText === '') return { host, port: 3306 };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) throw new DbUrlError('has a port that is not a number between 1 and 65535');
  return { host, port: Number(portText) };
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new DbUrlError(`has a malformed percent-escape in ${what} (write a literal % as %25)`);
  }
}
