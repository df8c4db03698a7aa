import { existsSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { DbUrlError, parseDbUrl, passwordForms, type DbSettings } from './config/dbUrl.js';
import { parseDotenv } from './config/dotenv.js';
import { isDecimal, parseDuration, parseFraction, strictInt } from './config/numbers.js';
import { DEFAULT_RETRY } from './db/retry.js';
import { ExitCode, FitmatchError } from './errors.js';
import { FACETS } from './facets.js';
import type { LogFormat } from './log.js';
import { registerSecret } from './redact.js';

export type { DbSettings } from './config/dbUrl.js';

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
/** A setting with a default, typed by its value (not asserted). */
const defaulted = <T>(s: Defaulted<T>): Defaulted<T> => s;
/** A setting without a default: undefined unless set. */
const optional = <T>(s: Setting<T>): Setting<T> => s;

const int = (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> => (raw) => {
  const n = strictInt(raw);
  if (!(n >= min && n <= max)) throw `must be a whole number between ${min} and ${max} (digits only), got "${raw}"`;
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

/**
 * The smallest --memory any run can use: the process with onnxruntime loaded
 * (~160 MB) plus the smallest blocks. Runs also check their own need up front
 * (it grows with the number of job postings) and say how much they need.
 */
export const MIN_MEMORY_BYTES = 256 * 2 ** 20;

/** "2GB", "512MB", "1.5G", or a byte count; at least MIN_MEMORY_BYTES, at most this machine's memory. */
export const parseBytes: Parser<number> = (raw) => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(raw.trim());
  if (!m) throw `must be a size such as 2GB or 512MB, got "${raw}"`;
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const n = Math.floor(Number(m[1]) * mult);
  if (n < MIN_MEMORY_BYTES) throw `must be at least ${MIN_MEMORY_BYTES / 2 ** 20}MB (the process alone needs about 160MB), got "${raw}"`;
  if (n > totalmem()) throw `is more than this machine's ${Math.floor(totalmem() / 2 ** 30)}GB of memory, got "${raw}"`;
  return n;
};

/** Positive weights are relative; this range keeps every product and sum finite and non-zero in float32. */
export const WEIGHT_RANGE = { min: 1e-6, max: 1e6 };

/** "roles=2,skills=1.5": unspecified facets keep weight 1; each facet at most once. Every bad part is reported, not only the first. */
export const parseWeights: Parser<number[]> = (raw) => {
  const weights = FACETS.map(() => 1);
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value, extra] = part.split('=').map((s) => s.trim());
    const f = FACETS.indexOf(name as (typeof FACETS)[number]);
    if (f < 0) {
      problems.push(`unknown facet "${name}" (facets: ${FACETS.join(', ')})`);
      continue;
    }
    if (seen.has(name)) {
      problems.push(`gives ${name} twice`);
      continue;
    }
    seen.add(name);
    const w = value !== undefined && extra === undefined && isDecimal(value) ? Number(value) : NaN;
    if (!(w === 0 || (w >= WEIGHT_RANGE.min && w <= WEIGHT_RANGE.max))) {
      problems.push(`weight for ${name} must be 0 or a plain decimal between ${WEIGHT_RANGE.min.toFixed(6)} and ${WEIGHT_RANGE.max}, got "${value ?? ''}"`);
      continue;
    }
    weights[f] = w;
  }
  if (problems.length) throw problems.join('; ');
  if (weights.every((w) => w === 0)) throw 'at least one weight must be > 0';
  return weights;
};
const dbUrl: Parser<string> = (raw) => {
  try {
    parseDbUrl(raw);
  } catch (e) {
    if (e instanceof DbUrlError) throw e.message;
    throw e;
  }
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
const duration = (min: number, max: number): Parser<number> => (raw) => {
  const ms = parseDuration(raw);
  if (!(ms >= min && ms <= max)) throw `must be a duration such as 90s, 10m or 36h (between ${min / 1000}s and ${max / 86_400_000}d), got "${raw}"`;
  return ms;
};
const fraction: Parser<number> = (raw) => {
  const v = parseFraction(raw);
  if (Number.isNaN(v)) throw `must be a share such as 50% or 0.5, got "${raw}"`;
  return v;
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

export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/fitconnect';

export const SETTINGS = {
  databaseUrl: defaulted<string>({ env: 'DATABASE_URL', default: DEFAULT_DATABASE_URL, parse: dbUrl }),
  queryTimeout: defaulted<number>({ env: 'FITMATCH_QUERY_TIMEOUT', default: 600_000, parse: duration(1000, 86_400_000) }),
  retries: defaulted<number>({ env: 'FITMATCH_RETRIES', default: DEFAULT_RETRY.retries, parse: int(0, 100) }),
  logFormat: optional<LogFormat>({ env: 'FITMATCH_LOG_FORMAT', parse: oneOf<LogFormat>('human', 'json') }),
  verbose: defaulted<boolean>({ env: 'FITMATCH_VERBOSE', default: false, parse: bool }),
  // match
  topK: defaulted<number>({ env: 'FITMATCH_TOP_K', default: 50, parse: int(1, 1000) }),
  reserve: defaulted<number>({ env: 'FITMATCH_RESERVE', default: 16, parse: int(8, 1000) }),
  weights: defaulted<number[]>({ env: 'FITMATCH_WEIGHTS', default: FACETS.map(() => 1), parse: parseWeights }),
  memory: defaulted<number>({ env: 'FITMATCH_MEMORY', default: 2 * 2 ** 30, parse: parseBytes }),
  threads: defaulted<number>({ env: 'FITMATCH_THREADS', default: 2, parse: int(1, 256) }),
  kernel: defaulted<'auto' | 'fp32' | 'int8'>({ env: 'FITMATCH_KERNEL', default: 'auto', parse: oneOf('auto', 'fp32', 'int8') }),
  timezone: defaulted<string>({ env: 'FITMATCH_TIMEZONE', default: 'Asia/Seoul', parse: timeZone }),
  today: optional<string>({ env: 'FITMATCH_TODAY', parse: isoDate }),
  jobStatuses: defaulted<string[]>({ env: 'FITMATCH_JOB_STATUSES', default: ['PUBLISHED'], parse: jobStatusList }),
  includeExpired: defaulted<boolean>({ env: 'FITMATCH_INCLUDE_EXPIRED', default: false, parse: bool }),
  includeDeleted: defaulted<boolean>({ env: 'FITMATCH_INCLUDE_DELETED', default: false, parse: bool }),
  writeMode: defaulted<'auto' | 'load-data' | 'insert'>({ env: 'FITMATCH_WRITE_MODE', default: 'auto', parse: oneOf('auto', 'load-data', 'insert') }),
  maxShrink: defaulted<number>({ env: 'FITMATCH_MAX_SHRINK', default: 0.5, parse: fraction }),
  maxChange: defaulted<number>({ env: 'FITMATCH_MAX_CHANGE', default: 0.25, parse: fraction }),
  // How long match and backfill wait for their lock before exit 4 (GET_LOCK's timeout, whole seconds).
  waitLock: defaulted<number>({ env: 'FITMATCH_WAIT_LOCK', default: 0, parse: duration(0, 86_400_000) }),
  /** `watch`: the wait between the end of one pass and the start of the next. */
  interval: defaulted<number>({ env: 'FITMATCH_WATCH_INTERVAL', default: 5000, parse: duration(100, 3_600_000) }),
  /** Directory of the local vector cache incremental runs read unchanged vectors from; unset: none. */
  vectorCache: optional<string>({ env: 'FITMATCH_VECTOR_CACHE', parse: str }),
  // backfill / embedding providers
  provider: defaulted<'hash' | 'openai'>({ env: 'FITMATCH_EMBED_PROVIDER', default: 'hash', parse: oneOf('hash', 'openai') }),
  embedModel: defaulted<string>({ env: 'FITMATCH_EMBED_MODEL', default: 'text-embedding-3-small', parse: str }),
  embedDimensions: optional<number>({ env: 'FITMATCH_EMBED_DIMENSIONS', parse: int(1, 65536) }),
  openaiBaseUrl: defaulted<string>({ env: 'OPENAI_BASE_URL', default: 'https://api.openai.com/v1', parse: httpUrl }),
  openaiApiKey: optional<string>({ env: 'OPENAI_API_KEY', parse: str }),
  embedBatchSize: defaulted<number>({ env: 'FITMATCH_EMBED_BATCH', default: 64, parse: int(1, 2048) }),
  embedConcurrency: defaulted<number>({ env: 'FITMATCH_EMBED_CONCURRENCY', default: 4, parse: int(1, 64) }),
};

type Settings = typeof SETTINGS;
type ValueOf<S> = S extends Setting<infer T> ? T : never;
export type Config = { [K in keyof Settings]: Settings[K] extends Defaulted<infer T> ? T : ValueOf<Settings[K]> | undefined } & {
  db: DbSettings;
  /** Where the database URL came from ('default': nothing set it, worth saying in the first log line). */
  dbSource: DbSource;
};
/** Flags as strings or already-typed values, keyed by setting name. */
export type Flags = Partial<Record<keyof Settings, string | number | boolean | undefined>>;

export class ConfigError extends FitmatchError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, ExitCode.USAGE);
    this.name = 'ConfigError';
  }
}

/** KEY=value pairs of ./.env (none when it does not exist), with its malformed lines as problems. */
export function readDotenv(cwd: string): { values: Record<string, string>; problems: string[] } {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return { values: {}, problems: [] };
  return parseDotenv(readFileSync(file, 'utf8'));
}

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** Directory whose .env is read; pass null to skip .env (tests). */
  cwd?: string | null;
  flags?: Flags;
}

export type DbSource = 'default' | '.env' | 'DATABASE_URL' | '--database-url';

export function loadConfig(sources: ConfigSources = {}): Config {
  const dotenv = sources.cwd === null ? { values: {}, problems: [] } : readDotenv(sources.cwd ?? process.cwd());
  const processEnv = stripEmpty(sources.env ?? process.env);
  const env: Record<string, string> = { ...dotenv.values, ...processEnv };
  const flags = sources.flags ?? {};
  // Before anything can fail: every place a password could come from is redacted, even from a URL that does not parse.
  for (const raw of [dotenv.values.DATABASE_URL, processEnv.DATABASE_URL, flags.databaseUrl]) if (typeof raw === 'string') passwordForms(raw).forEach(registerSecret);
  for (const raw of [dotenv.values.OPENAI_API_KEY, processEnv.OPENAI_API_KEY]) registerSecret(raw);
  const problems: string[] = [...dotenv.problems];
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
      // Parsers of secret-bearing settings never put the value in their message.
      problems.push(`${source} ${typeof e === 'string' ? e : String(e)}`);
    }
  }
  if (out.provider === 'openai' && !out.openaiApiKey && /api\.openai\.com/.test(String(out.openaiBaseUrl))) {
    problems.push('OPENAI_API_KEY is required for --provider openai against api.openai.com');
  }
  if (problems.length) throw new ConfigError(problems);
  out.logFormat ??= process.stderr.isTTY ? 'human' : 'json';
  const dbSource: DbSource =
    flags.databaseUrl !== undefined ? '--database-url' : processEnv.DATABASE_URL !== undefined ? 'DATABASE_URL' : dotenv.values.DATABASE_URL !== undefined ? '.env' : 'default';
  return { ...(out as Omit<Config, 'db' | 'dbSource'>), db: parseDbUrl(out.databaseUrl as string), dbSource } as Config;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
}
