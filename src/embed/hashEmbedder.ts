import { normalise, type Embedder, type EmbedUsage } from './embedder.js';

export const HASH_EMBEDDER_VERSION = 'ngram1-3.v1';

/** 32-bit FNV-1a over UTF-16 code units (Hangul syllables are single units). */
function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3 finaliser: an independent-looking second hash for the sign. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const normaliseText = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Character 1- to 3-gram feature hashing over each whitespace token padded with
 * spaces. Works for Korean without a tokenizer: syllable n-grams capture
 * morphemes and particles vary only the edges. Signed hashing keeps collisions
 * unbiased. Returns null for text with no characters (a missing facet).
 */
export function hashEmbed(text: string, dim: number): Float32Array | null {
  const t = normaliseText(text);
  if (!t) return null;
  const v = new Float32Array(dim);
  for (const token of t.split(' ')) {
    const p = ` ${token} `;
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= p.length; i++) {
        if (n === 1 && p[i] === ' ') continue;
        const h = fnv1a(p, i, i + n) ^ (n * 0x9e3779b9);
        const idx = (h >>> 0) % dim;
        v[idx] += mix(h) & 1 ? 1 : -1;
      }
    }
  }
  return normalise(v);
}

export function createHashEmbedder(dim = 256): Embedder {
  const usage: EmbedUsage = { promptTokens: 0, requests: 0, retries: 0 };
  return {
    model: `hash:${HASH_EMBEDDER_VERSION}:${dim}`,
    usage,
    embed: async (texts) =>
      texts.map((t) => {
        const v = hashEmbed(t, dim);
        if (!v) throw new Error('hash embedder was given an empty text');
        return v;
      }),
  };
}
