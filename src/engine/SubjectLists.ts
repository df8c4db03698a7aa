import { FACET_COUNT } from '../facets.js';

const F = FACET_COUNT;

/**
 * Candidate lists of many subjects, columnar (CSR): the entries of subject i are
 * [offsets[i], offsets[i+1]), in strict order (mean desc, then candidate id asc).
 * `means` are exact float64 weighted mean cosines; facet scores are stored as
 * score_100 hundredths (what DECIMAL(5,2) holds), -1 where the facet is not shared.
 * This is what blocks stage, what publish merges, what match_lists keeps for
 * incremental runs, and what the published rows are derived from.
 */
export interface SubjectLists {
  subjectIds: Float64Array;
  offsets: Int32Array;
  candidateIds: Float64Array;
  means: Float64Array;
  cents: Int16Array;
  /** Per subject: the run that computed its list, and when (epoch ms); 0 where not tracked. */
  runIds: Float64Array;
  computedAt: Float64Array;
  /**
   * Per subject: 1 when the list holds every candidate the subject has (fewer than
   * fit), 0 when it is the exact best prefix of a longer ranking: then a candidate
   * not in it ranks below its last entry.
   */
  complete: Uint8Array;
}

export function allocLists(subjects: number, entries: number): SubjectLists {
  return {
    subjectIds: new Float64Array(subjects),
    offsets: new Int32Array(subjects + 1),
    candidateIds: new Float64Array(entries),
    means: new Float64Array(entries),
    cents: new Int16Array(entries * F),
    runIds: new Float64Array(subjects),
    computedAt: new Float64Array(subjects),
    complete: new Uint8Array(subjects),
  };
}

export const emptyLists = (): SubjectLists => allocLists(0, 0);
export const subjectCount = (l: SubjectLists): number => l.subjectIds.length;
export const entryCount = (l: SubjectLists): number => l.candidateIds.length;

/** Subjects of several lists one after another (subjects must not repeat across them). */
export function concatLists(parts: readonly SubjectLists[]): SubjectLists {
  const out = allocLists(
    parts.reduce((n, p) => n + subjectCount(p), 0),
    parts.reduce((n, p) => n + entryCount(p), 0),
  );
  let s = 0;
  let e = 0;
  for (const p of parts) {
    out.subjectIds.set(p.subjectIds, s);
    out.runIds.set(p.runIds, s);
    out.computedAt.set(p.computedAt, s);
    out.complete.set(p.complete, s);
    for (let i = 0; i < subjectCount(p); i++) out.offsets[s + i] = e + p.offsets[i];
    out.candidateIds.set(p.candidateIds, e);
    out.means.set(p.means, e);
    out.cents.set(p.cents, e * F);
    s += subjectCount(p);
    e += entryCount(p);
  }
  out.offsets[s] = e;
  return out;
}

/** The lists of the subjects at `indexes` (in that order), copied. */
export function pickSubjects(l: SubjectLists, indexes: ArrayLike<number>): SubjectLists {
  let entries = 0;
  for (let k = 0; k < indexes.length; k++) entries += l.offsets[indexes[k] + 1] - l.offsets[indexes[k]];
  const out = allocLists(indexes.length, entries);
  let e = 0;
  for (let k = 0; k < indexes.length; k++) {
    const i = indexes[k];
    const [from, to] = [l.offsets[i], l.offsets[i + 1]];
    out.subjectIds[k] = l.subjectIds[i];
    out.runIds[k] = l.runIds[i];
    out.computedAt[k] = l.computedAt[i];
    out.complete[k] = l.complete[i];
    out.offsets[k] = e;
    out.candidateIds.set(l.candidateIds.subarray(from, to), e);
    out.means.set(l.means.subarray(from, to), e);
    out.cents.set(l.cents.subarray(from * F, to * F), e * F);
    e += to - from;
  }
  out.offsets[indexes.length] = e;
  return out;
}

const MAGIC = 0x324c4d46; // "FML2"
const HEADER = 16;
const bytesFor = (n: number, m: number) => HEADER + 8 * 3 * n + 8 * 2 * m + 4 * (n + 1) + 2 * F * m + n;

/** Bytes of a list set: a header, then the arrays (float64 first so every view is aligned). */
export function encodeLists(l: SubjectLists): Buffer {
  const n = subjectCount(l);
  const m = entryCount(l);
  const buf = Buffer.alloc(bytesFor(n, m));
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(n, 4);
  buf.writeUInt32LE(m, 8);
  let at = HEADER;
  for (const a of [l.subjectIds, l.runIds, l.computedAt, l.candidateIds, l.means, l.offsets, l.cents, l.complete]) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    buf.set(bytes, at);
    at += a.byteLength;
  }
  return buf;
}

/** The inverse of encodeLists; copies once, since driver Buffers are not aligned. */
export function decodeLists(src: Uint8Array): SubjectLists {
  if (src.byteLength < HEADER) throw new Error(`list data too short (${src.byteLength} bytes)`);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('list data has an unknown format');
  const n = view.getUint32(4, true);
  const m = view.getUint32(8, true);
  const expected = bytesFor(n, m);
  if (src.byteLength !== expected) throw new Error(`list data has ${src.byteLength} bytes, its header says ${expected}`);
  const copy = new Uint8Array(expected);
  copy.set(src);
  let at = HEADER;
  const take = <T>(make: (b: ArrayBuffer, o: number, len: number) => T, count: number, size: number): T => {
    const v = make(copy.buffer, at, count);
    at += count * size;
    return v;
  };
  const f64 = (count: number) => take((b, o, len) => new Float64Array(b, o, len), count, 8);
  const subjectIds = f64(n);
  const runIds = f64(n);
  const computedAt = f64(n);
  const candidateIds = f64(m);
  const means = f64(m);
  const offsets = take((b, o, len) => new Int32Array(b, o, len), n + 1, 4);
  const cents = take((b, o, len) => new Int16Array(b, o, len), F * m, 2);
  const complete = take((b, o, len) => new Uint8Array(b, o, len), n, 1);
  return { subjectIds, offsets, candidateIds, means, cents, runIds, computedAt, complete };
}
