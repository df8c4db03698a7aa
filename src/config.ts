import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ExitCode, FitmatchError } from './errors.js';
import { FACETS } from './facets.js';
import type { LogFormat } from './log.js';
import { redactUrl, registerSecret } from './redact.js';

/**
 * Every setting in one table: its env variable, its default and its parser.
 * Precedence: defaults < .env < process env < flags (flags arrive from cli.ts
 * keyed by setting name). A parser returns the value or throws a string.
 */
type Parser<T> = (raw: string) => T;

interface Setting<T> {
  env?: string;
  default?: T;
  parse: Parser<T>;
}
type Defaulted<T> = Setting<T> & { default: T };

const int = (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> => (raw) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw `must be an integer between ${min} and ${max}, got "${raw}"`;
  return n;
};
const oneOf = <T extends string>(...values: T[]): Parser<T> => (raw) => {
  if (!values.includes(raw as T)) throw `must be one of ${values.join(', ')}, got "${raw}"`;
  return raw as T;
};
const str: Parser<string> = (raw) => raw;
const bool: Parser<boolean> = (raw) => {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off', ''].includes(raw.toLowerCase())) return false;
  throw `must be true or false, got "${raw}"`;
};
/** "2GB", "512MB", "1.5G", or a byte count. */
export const parseBytes: Parser<number> = (raw) => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(raw.trim());
  if (!m) throw `must be a size such as 2GB or 512MB, got "${raw}"`;
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const n = Math.floor(Number(m[1]) * mult);
  if (n < 64 * 2 ** 20) throw `must be at least 64MB, got "${raw}"`;
  return n;
};
/** "roles=2,skills=1.5": unspecified facets keep weight 1. */
export const parseWeights: Parser<number[]> = (raw) => {
  const weights = FACETS.map(() => 1);
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = part.split('=').map((s) => s.trim());
    const f = FACETS.indexOf(name as (typeof FACETS)[number]);
    if (f < 0) throw `unknown facet "${name}" (facets: ${FACETS.join(', ')})`;
    const w = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(w) || w < 0) throw `weight for ${name} must be a number >= 0, got "${value}"`;
    weights[f] = w;
  }
  if (weights.every((w) => w === 0)) throw 'at least one weight must be > 0';
  return weights;
};
const url: Parser<string> = (raw) => {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw `is not a valid URL (expected mysql://user:password@host:3306/database)`;
  }
  if (u.protocol !== 'mysql:') throw `must start with mysql:// (got ${u.protocol}//)`;
  if (!u.hostname) throw 'has no host';
  if (!u.pathname || u.pathname === '/') throw 'has no database name (mysql://user@host:3306/DATABASE)';
  return raw;
};
const httpUrl: Parser<string> = (raw) => {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw 0;
  } catch {
    throw `must be an http(s) URL, got "${raw}"`;
  }
  return raw.replace(/\/+$/, '');
};

/** An IANA zone name such as Asia/Seoul (validated by Intl). */
const timeZone: Parser<string> = (raw) => {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: raw });
  } catch {
    throw `must be an IANA time zone such as Asia/Seoul or UTC, got "${raw}"`;
  }
  return raw;
};
const isoDate: Parser<string> = (raw) => {
  const d = new Date(`${raw}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) throw `must be a date YYYY-MM-DD, got "${raw}"`;
  return raw;
};
const JOB_STATUSES = ['DRAFT', 'PUBLISHED', 'CLOSED', 'ARCHIVED'];
const jobStatusList: Parser<string[]> = (raw) => {
  const list = [...new Set(raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean))];
  const bad = list.filter((s) => !JOB_STATUSES.includes(s));
  if (list.length === 0 || bad.length) throw `must be a comma-separated list of ${JOB_STATUSES.join(', ')}, got "${raw}"`;
  return list;
};

export const SETTINGS = {
  databaseUrl: { env: 'DATABASE_URL', default: 'mysql://root@127.0.0.1:3306/fitconnect', parse: url } as Defaulted<string>,
  logFormat: { env: 'FITMATCH_LOG_FORMAT', parse: oneOf<LogFormat>('human', 'json') } as Setting<LogFormat>,
  verbose: { env: 'FITMATCH_VERBOSE', default: false, parse: bool } as Defaulted<boolean>,
  // match
  topK: { env: 'FITMATCH_TOP_K', default: 50, parse: int(1, 1000) } as Defaulted<number>,
  weights: { env: 'FITMATCH_WEIGHTS', default: FACETS.map(() => 1), parse: parseWeights } as Defaulted<number[]>,
  memory: { env: 'FITMATCH_MEMORY', default: 2 * 2 ** 30, parse: parseBytes } as Defaulted<number>,
  threads: { env: 'FITMATCH_THREADS', default: 2, parse: int(1, 256) } as Defaulted<number>,
  timezone: { env: 'FITMATCH_TIMEZONE', default: 'Asia/Seoul', parse: timeZone } as Defaulted<string>,
  today: { env: 'FITMATCH_TODAY', parse: isoDate } as Setting<string>,
  jobStatuses: { env: 'FITMATCH_JOB_STATUSES', default: ['PUBLISHED'], parse: jobStatusList } as Defaulted<string[]>,
  includeExpired: { env: 'FITMATCH_INCLUDE_EXPIRED', default: false, parse: bool } as Defaulted<boolean>,
  includeDeleted: { env: 'FITMATCH_INCLUDE_DELETED', default: false, parse: bool } as Defaulted<boolean>,
  writeMode: { env: 'FITMATCH_WRITE_MODE', default: 'auto', parse: oneOf('auto', 'load-data', 'insert') } as Defaulted<'auto' | 'load-data' | 'insert'>,
  // backfill / embedding providers
  provider: { env: 'FITMATCH_EMBED_PROVIDER', default: 'hash', parse: oneOf('hash', 'openai') } as Defaulted<'hash' | 'openai'>,
  embedModel: { env: 'FITMATCH_EMBED_MODEL', default: 'text-embedding-3-small', parse: str } as Defaulted<string>,
  embedDimensions: { env: 'FITMATCH_EMBED_DIMENSIONS', parse: int(1, 65536) } as Setting<number>,
  openaiBaseUrl: { env: 'OPENAI_BASE_URL', default: 'https://api.openai.com/v1', parse: httpUrl } as Defaulted<string>,
  openaiApiKey: { env: 'OPENAI_API_KEY', parse: str } as Setting<string>,
  embedBatchSize: { env: 'FITMATCH_EMBED_BATCH', default: 64, parse: int(1, 2048) } as Defaulted<number>,
  embedConcurrency: { env: 'FITMATCH_EMBED_CONCURRENCY', default: 4, parse: int(1, 64) } as Defaulted<number>,
};

type Settings = typeof SETTINGS;
type ValueOf<S> = S extends Setting<infer T> ? T : never;
export type Config = { [K in keyof Settings]: Settings[K] extends Defaulted<infer T> ? T : ValueOf<Settings[K]> | undefined } & {
  db: DbSettings;
};
/** Flags as strings or already-typed values, keyed by setting name. */
export type Flags = Partial<Record<keyof Settings, string | number | boolean | undefined>>;

export interface DbSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The URL with the password replaced by ***: the only form that is ever printed. */
  display: string;
}

export class ConfigError extends FitmatchError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, ExitCode.USAGE);
    this.name = 'ConfigError';
  }
}

export function readDotenv(cwd: string): Record<string, string> {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** Directory whose .env is read; pass null to skip .env (tests). */
  cwd?: string | null;
  flags?: Flags;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = { ...(sources.cwd === null ? {} : readDotenv(sources.cwd ?? process.cwd())), ...stripEmpty(sources.env ?? process.env) };
  const flags = sources.flags ?? {};
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [keyof Settings, Setting<unknown>][]) {
    const flag = flags[key];
    const fromEnv = setting.env ? env[setting.env] : undefined;
    const source = flag !== undefined ? `--${kebab(key)}` : setting.env ?? key;
    const raw = flag !== undefined ? flag : fromEnv;
    if (raw === undefined) {
      out[key] = setting.default;
      continue;
    }
    if (typeof raw !== 'string') {
      out[key] = raw;
      continue;
    }
    try {
      out[key] = setting.parse(raw);
    } catch (e) {
      const shown = key === 'databaseUrl' ? redactUrl(raw) : key === 'openaiApiKey' ? '***' : raw;
      problems.push(`${source} ${typeof e === 'string' ? e : String(e)}`.replace(raw, shown));
    }
  }
  if (out.openaiApiKey) registerSecret(out.openaiApiKey as string);
  const db = out.databaseUrl ? parseDbUrl(out.databaseUrl as string) : undefined;
  if (db) registerSecret(db.password);
  if (out.provider === 'openai' && !out.openaiApiKey && /api\.openai\.com/.test(String(out.openaiBaseUrl))) {
    problems.push('OPENAI_API_KEY is required for --provider openai against api.openai.com');
  }
  if (problems.length) throw new ConfigError(problems);
  out.logFormat ??= process.stderr.isTTY ? 'human' : 'json';
  return { ...(out as Omit<Config, 'db'>), db: db! } as Config;
}

function parseDbUrl(raw: string): DbSettings {
  const u = new URL(raw);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    display: redactUrl(raw),
  };
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
}
