import { FACET_COUNT } from '../facets.js';
import { scoreCents } from '../engine/scoreCents.js';
import type { ResultBatch } from '../engine/types.js';

/** Facet scores can exceed [0, 100] by float32 rounding of a cosine near ±1. */
const clampScore = (x: number) => (x < 0 ? 0 : x > 100 ? 100 : x);

/** Columns in the order both formats use (contract v2: no stored rank). */
export const RESULT_COLUMNS =
  'direction, talent_user_id, job_posting_id, total_score, score_roles, score_skills, score_growth, score_career, score_vision, score_culture, run_id, computed_at';

interface Dialect {
  open: string;
  sep: number;
  nul: Buffer;
  close: string;
  rowSep: Buffer;
}
const TSV: Dialect = { open: '', sep: 0x09, nul: Buffer.from('\\N'), close: '\n', rowSep: Buffer.alloc(0) };
const SQL: Dialect = { open: "('", sep: 0x2c, nul: Buffer.from('NULL'), close: ')', rowSep: Buffer.from(',') };
/** Upper bound of one row's bytes: 12 columns, ids up to 20 digits, the timestamp. */
const MAX_ROW_BYTES = 256;

/**
 * Rows [from, to) as bytes, written digit by digit into one buffer: string
 * concatenation and number formatting were the write path's bottleneck.
 */
function encodeRows(b: ResultBatch, from: number, to: number, d: Dialect): Buffer {
  const head = Buffer.from(`${d.open}${b.direction}${d.open ? "'" : ''}`, 'latin1');
  const quote = d.open ? "'" : '';
  const close = Buffer.from(d.close, 'latin1');
  const buf = Buffer.allocUnsafe((to - from) * MAX_ROW_BYTES);
  const digits = new Uint8Array(24);
  let pos = 0;
  const uint = (n: number) => {
    let k = 0;
    do {
      const q = Math.floor(n / 10);
      digits[k++] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
    while (k > 0) buf[pos++] = digits[--k];
  };
  const cents = (c: number) => {
    uint(Math.floor(c / 100));
    const frac = c % 100;
    buf[pos++] = 46;
    buf[pos++] = 48 + Math.floor(frac / 10);
    buf[pos++] = 48 + (frac % 10);
  };
  const t2j = b.direction === 'talent_to_job';
  let when = '';
  let whenBytes = Buffer.alloc(0);
  for (let i = from; i < to; i++) {
    if (i > from) pos += d.rowSep.copy(buf, pos);
    pos += head.copy(buf, pos);
    buf[pos++] = d.sep;
    uint(t2j ? b.subjectIds[i] : b.candidateIds[i]);
    buf[pos++] = d.sep;
    uint(t2j ? b.candidateIds[i] : b.subjectIds[i]);
    buf[pos++] = d.sep;
    cents(scoreCents(clampScore(b.totals[i])));
    for (let f = 0; f < FACET_COUNT; f++) {
      buf[pos++] = d.sep;
      const c = b.facetCents[i * FACET_COUNT + f];
      if (c < 0) pos += d.nul.copy(buf, pos);
      else cents(c);
    }
    buf[pos++] = d.sep;
    uint(b.runIds[i]);
    buf[pos++] = d.sep;
    // Rows of one subject share a timestamp: encode it once per change.
    if (b.computedAt[i] !== when) {
      when = b.computedAt[i];
      whenBytes = Buffer.from(`${quote}${when}${quote}`, 'latin1');
    }
    pos += whenBytes.copy(buf, pos);
    pos += close.copy(buf, pos);
  }
  return buf.subarray(0, pos);
}

/** Rows [from, to) as LOAD DATA text: tab-separated, \N for NULL, one row per line. */
export function toTsv(b: ResultBatch, from: number, to: number): Buffer {
  return encodeRows(b, from, to, TSV);
}

/** Rows [from, to) as the VALUES list of a multi-row INSERT (numbers and a timestamp only, so inline values are safe). */
export function toInsertValues(b: ResultBatch, from: number, to: number): string {
  return encodeRows(b, from, to, SQL).toString('latin1');
}
