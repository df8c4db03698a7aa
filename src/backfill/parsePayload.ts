import { fastList } from './fastList.js';

/**
 * One matching_vectors facet payload -> a unit-length Float32Array, or the reason
 * it is invalid. Mirrors the FastAPI app: a JSON list, or an object holding the
 * list under the first present key of vector/values/embedding; items are JSON
 * numbers or strings Python's float() accepts.
 */
export type FacetProblem =
  | 'missing'
  | 'bad_json'
  | 'bad_shape'
  | 'empty'
  | 'not_numeric'
  | 'not_finite'
  | 'zero_norm'
  | 'wrong_dim';

export type FacetResult = { ok: true; vector: Float32Array } | { ok: false; reason: FacetProblem };

const LIST_KEYS = ['vector', 'values', 'embedding'] as const;

// Python float() syntax after strip(): digits may be grouped with single underscores.
const DIGITS = String.raw`\d(?:_?\d)*`;
const PY_FLOAT = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
const PY_NONFINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Python float(s) for a string item: a number, NaN for nan/inf (parse but are not finite), or undefined. */
export function pyFloat(s: string): number | undefined {
  const t = s.trim();
  if (PY_FLOAT.test(t)) return Number(t.includes('_') ? t.replace(/_/g, '') : t);
  if (PY_NONFINITE.test(t)) return Number.NaN;
  return undefined;
}

/** The list inside a payload (already JSON-decoded), or the reason there is none. */
export function extractList(value: unknown): unknown[] | FacetProblem {
  if (value === null || value === undefined) return 'missing';
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of LIST_KEYS) {
      if (Object.prototype.hasOwnProperty.call(obj, key)) return Array.isArray(obj[key]) ? (obj[key] as unknown[]) : 'bad_shape';
    }
  }
  return 'bad_shape';
}

/** MariaDB hands JSON columns over as text, MySQL 8 as decoded values; Buffers come from BLOB-typed casts. */
export function decodePayload(raw: unknown): unknown | FacetProblem {
  if (raw === null || raw === undefined) return 'missing';
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return 'bad_json';
    }
  }
  return raw;
}

/** One facet parsed without a dimension: its list length (what the dimension decision counts) and its vector or problem. */
export interface ParsedFacet {
  /** Items in the payload's list, valid or not (JSON_LENGTH's count); null when there is no list. */
  length: number | null;
  /** The facet as if any length were right (parseFacet with dim null). */
  result: FacetResult;
}

/** Parses a payload once, before its facet's dimension is known; withDim then applies it. */
export function parseAnyLength(raw: unknown): ParsedFacet {
  if (typeof raw === 'string') {
    const fast = fastList(raw);
    if (fast) return { length: fast.length, result: checkFloat32(fast, null) };
  }
  const decoded = decodePayload(raw);
  if (decoded === 'missing' || decoded === 'bad_json') return { length: null, result: { ok: false, reason: decoded } };
  if (decoded === null) return { length: null, result: { ok: false, reason: 'missing' } };
  const list = extractList(decoded);
  if (typeof list === 'string') return { length: null, result: { ok: false, reason: list } };
  return { length: list.length, result: vectorFromList(list, null) };
}

/**
 * The facet under dimension `dim`: what parseFacet(raw, dim) returns. The length
 * check comes after the item checks and before the norm check, as in vectorFromList.
 */
export function withDim(p: ParsedFacet, dim: number | null): FacetResult {
  const r = p.result;
  if (dim !== null && p.length !== null && p.length !== dim && (r.ok || r.reason === 'zero_norm')) return { ok: false, reason: 'wrong_dim' };
  return r;
}

/**
 * Validates and L2-normalises one facet. `dim` is the facet's expected length
 * (null: accept any length).
 */
export function parseFacet(raw: unknown, dim: number | null): FacetResult {
  return withDim(parseAnyLength(raw), dim);
}

export function vectorFromList(list: unknown[], dim: number | null): FacetResult {
  const n = list.length;
  if (n === 0) return { ok: false, reason: 'empty' };
  const out = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const item = list[i];
    let x: number | undefined;
    if (typeof item === 'number') x = item;
    else if (typeof item === 'string') x = pyFloat(item);
    if (x === undefined) return { ok: false, reason: 'not_numeric' };
    const f = Math.fround(x);
    if (!Number.isFinite(f)) return { ok: false, reason: 'not_finite' };
    out[i] = f;
    sum += f * f;
  }
  // Item checks come first so a row is reported for its worst problem, then length.
  if (dim !== null && n !== dim) return { ok: false, reason: 'wrong_dim' };
  if (sum === 0) return { ok: false, reason: 'zero_norm' };
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < n; i++) out[i] *= inv;
  return { ok: true, vector: out };
}

/** The fast path's result: already float32, so only finiteness, length and norm remain to check. */
function checkFloat32(v: Float32Array, dim: number | null): FacetResult {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const f = v[i];
    if (!Number.isFinite(f)) return { ok: false, reason: 'not_finite' };
    sum += f * f;
  }
  if (dim !== null && v.length !== dim) return { ok: false, reason: 'wrong_dim' };
  if (sum === 0) return { ok: false, reason: 'zero_norm' };
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return { ok: true, vector: v };
}
