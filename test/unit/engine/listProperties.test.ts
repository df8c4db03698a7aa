import { describe, expect, it } from 'vitest';
import { FACET_COUNT } from '../../../src/facets.js';
import { mergeLists } from '../../../src/engine/mergeLists.js';
import { repairLists } from '../../../src/engine/repairLists.js';
import { allocLists, decodeLists, encodeLists, type SubjectLists } from '../../../src/engine/SubjectLists.js';
import { decodeSnapshot, encodeSnapshot, HASH_BYTES, type SideSnapshot } from '../../../src/engine/snapshotCodec.js';
import { rng } from './randomBlocks.js';

/**
 * Properties of the list algebra on random worlds, in milliseconds: merging any
 * split equals the lists computed at once, a repaired list equals the list
 * recomputed from scratch, and the codecs give back what they were given.
 * Scores come from a coarse grid so exact ties are common.
 */
const F = FACET_COUNT;
const ROUNDS = 200;

interface Entry {
  id: number;
  mean: number;
  cents: number[];
}
/** subject -> its candidates with scores (any order). */
type World = Map<number, Entry[]>;

const order = (a: Entry, b: Entry) => b.mean - a.mean || a.id - b.id;

function randomEntry(r: () => number, id: number): Entry {
  return { id, mean: Math.floor(r() * 12) / 10 - 0.1, cents: Array.from({ length: F }, () => (r() < 0.2 ? -1 : Math.floor(r() * 10_001))) };
}

function randomWorld(r: () => number, subjects: number[], candidates: number[]): World {
  const w: World = new Map();
  for (const s of subjects) w.set(s, candidates.filter(() => r() < 0.6).map((c) => randomEntry(r, c)));
  return w;
}

/** SubjectLists from per-subject entries (kept in the given order), ascending subjects. */
function toLists(rows: { subject: number; entries: Entry[]; complete: boolean }[]): SubjectLists {
  const l = allocLists(rows.length, rows.reduce((n, x) => n + x.entries.length, 0));
  let e = 0;
  rows.forEach((x, i) => {
    l.subjectIds[i] = x.subject;
    l.offsets[i] = e;
    l.complete[i] = x.complete ? 1 : 0;
    for (const en of x.entries) {
      l.candidateIds[e] = en.id;
      l.means[e] = en.mean;
      l.cents.set(en.cents, e * F);
      e++;
    }
  });
  l.offsets[rows.length] = e;
  return l;
}

/** What one pass over everything computes: each subject's best `cap`, complete when it has fewer. */
function exactLists(w: World, cap: number): SubjectLists {
  const subjects = [...w.keys()].sort((a, b) => a - b).filter((s) => w.get(s)!.length > 0);
  return toLists(subjects.map((s) => ({ subject: s, entries: [...w.get(s)!].sort(order).slice(0, cap), complete: w.get(s)!.length < cap })));
}

/** One subject's list as plain data (runIds/computedAt are bookkeeping, not content). */
function listOf(l: SubjectLists, subject: number) {
  const i = Array.from(l.subjectIds).indexOf(subject);
  if (i < 0) return { ids: [], means: [], cents: [], complete: true };
  const [a, b] = [l.offsets[i], l.offsets[i + 1]];
  return { ids: Array.from(l.candidateIds.subarray(a, b)), means: Array.from(l.means.subarray(a, b)), cents: Array.from(l.cents.subarray(a * F, b * F)), complete: l.complete[i] === 1 };
}

const range = (from: number, n: number, step = 1) => Array.from({ length: n }, (_, i) => from + i * step);

describe('list properties on random data', () => {
  it('merging the lists of any split of the candidates equals the lists computed at once', () => {
    const r = rng(7);
    for (let round = 0; round < ROUNDS; round++) {
      const subjects = range(1, 1 + Math.floor(r() * 8), 3);
      const candidates = range(100, 1 + Math.floor(r() * 25), 7);
      const cap = 1 + Math.floor(r() * 10);
      const w = randomWorld(r, subjects, candidates);
      const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, () => new Map<number, Entry[]>());
      for (const [s, entries] of w) {
        for (const p of parts) p.set(s, []);
        for (const e of entries) parts[Math.floor(r() * parts.length)].get(s)!.push(e);
      }
      const merged = mergeLists(Float64Array.from(subjects), parts.map((p) => exactLists(p, cap)), cap);
      const exact = exactLists(w, cap);
      for (const s of subjects) expect(listOf(merged, s), `round ${round} subject ${s}`).toEqual(listOf(exact, s));
    }
  });

  it('a repaired list equals the list recomputed from scratch (or the subject is flagged for recomputing)', () => {
    const r = rng(11);
    let repairedSeen = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const subjects = range(1, 1 + Math.floor(r() * 8), 2);
      const candidates = range(100, 2 + Math.floor(r() * 30), 5);
      const cap = 2 + Math.floor(r() * 8);
      const topK = 1 + Math.floor(r() * (cap - 1));
      const before = randomWorld(r, subjects, candidates);
      // Some candidates leave, some get other vectors, some arrive.
      const removed = new Set(candidates.filter(() => r() < 0.15));
      const changed = new Set(candidates.filter((c) => !removed.has(c) && r() < 0.15));
      const added = range(1000, Math.floor(r() * 4), 3);
      const after: World = new Map();
      const fresh: World = new Map();
      for (const s of subjects) {
        const kept = before.get(s)!.filter((e) => !removed.has(e.id) && !changed.has(e.id));
        const renewed = [...changed, ...added].filter(() => r() < 0.6).map((c) => randomEntry(r, c));
        after.set(s, [...kept, ...renewed]);
        fresh.set(s, renewed);
      }
      const out = repairLists({ old: exactLists(before, cap), subjects, stale: new Set([...removed, ...changed]), fresh: exactLists(fresh, cap), capacity: cap, topK });
      const exact = exactLists(after, cap);
      const invalid = new Set(out.invalid);
      const repaired = new Set(Array.from(out.repaired.subjectIds));
      for (const s of subjects) {
        if (invalid.has(s)) continue;
        const got = repaired.has(s) ? listOf(out.repaired, s) : listOf(exactLists(before, cap), s);
        const want = listOf(exact, s);
        // A repaired list that is not complete is the exact best prefix of the recomputed one.
        if (!got.complete) {
          expect(got.ids, `round ${round} subject ${s}`).toEqual(want.ids.slice(0, got.ids.length));
          expect(got.means).toEqual(want.means.slice(0, got.means.length));
          expect(got.cents).toEqual(want.cents.slice(0, got.cents.length));
          expect(got.ids.length).toBeGreaterThan(topK);
        } else expect(got, `round ${round} subject ${s}`).toEqual(want);
        if (repaired.has(s)) repairedSeen++;
      }
      expect(out.unchanged + repaired.size + invalid.size).toBe(subjects.length);
    }
    expect(repairedSeen).toBeGreaterThan(ROUNDS);
  });

  it('encodeLists/decodeLists and encodeSnapshot/decodeSnapshot give back what they were given', () => {
    const r = rng(13);
    for (let round = 0; round < ROUNDS; round++) {
      const w = randomWorld(r, range(1, Math.floor(r() * 6), 4), range(50, Math.floor(r() * 12), 3));
      const lists = exactLists(w, 1 + Math.floor(r() * 6));
      lists.runIds.forEach((_, i) => ((lists.runIds[i] = Math.floor(r() * 1e9)), (lists.computedAt[i] = Date.UTC(2026, 0, 1) + i)));
      const back = decodeLists(encodeLists(lists));
      expect(back).toEqual(lists);
      // Driver buffers are not aligned: decoding from an odd offset must work too.
      const enc = encodeLists(lists);
      const odd = Buffer.alloc(enc.length + 1);
      enc.copy(odd, 1);
      expect(decodeLists(odd.subarray(1))).toEqual(lists);

      const side = (): SideSnapshot => {
        const ids = Float64Array.from(range(1, Math.floor(r() * 20), 1 + Math.floor(r() * 5)));
        return { ids, hashes: Uint8Array.from({ length: ids.length * HASH_BYTES }, () => Math.floor(r() * 256)) };
      };
      const snap = { talents: side(), jobs: side() };
      const decoded = decodeSnapshot(encodeSnapshot(snap));
      expect({ t: Array.from(decoded.talents.ids), th: Array.from(decoded.talents.hashes), j: Array.from(decoded.jobs.ids), jh: Array.from(decoded.jobs.hashes) }).toEqual({
        t: Array.from(snap.talents.ids),
        th: Array.from(snap.talents.hashes),
        j: Array.from(snap.jobs.ids),
        jh: Array.from(snap.jobs.hashes),
      });
    }
  });
});
