import type { JsonWriter } from './jsonWriter.js';
import type { Rng } from './rng.js';

/** The payload shapes the app accepts: an object with the list under one of these keys, or a bare list. */
export const SHAPES = ['vector', 'values', 'embedding', 'list'] as const;
export type Shape = (typeof SHAPES)[number];
const SHAPE_WEIGHTS = [45, 20, 20, 15];
/** Share of valid payloads written with some items as numeric strings ("0.25"). */
const STRING_ITEMS_SHARE = 0.05;

/** Invalid facet payloads, each one reason the backfill must skip a facet. */
export const FACET_DIRTY_KINDS = [
  'wrong_dim',
  'zero_vector',
  'float32_overflow',
  'non_numeric_item',
  'empty_list',
  'wrong_shape_object',
  'wrong_shape_number',
  'wrong_shape_string',
] as const;
export type FacetDirtyKind = (typeof FACET_DIRTY_KINDS)[number];

export interface PayloadStats {
  shapes: Record<Shape, number>;
  stringItems: number;
}

export const emptyPayloadStats = (): PayloadStats => ({ shapes: { vector: 0, values: 0, embedding: 0, list: 0 }, stringItems: 0 });

const open = (w: JsonWriter, shape: Shape) => (shape === 'list' ? w : w.raw(`{"${shape}":`));
const close = (w: JsonWriter, shape: Shape) => (shape === 'list' ? w : w.raw('}'));

/** Writes items[0..length) as a JSON list; every `stringEvery`-th item as a numeric string; `poke` replaces one item. */
function list(w: JsonWriter, items: ArrayLike<number>, length: number, stringEvery = 0, poke?: { at: number; literal: string }): void {
  w.raw('[');
  for (let i = 0; i < length; i++) {
    if (i) w.raw(',');
    if (poke && i === poke.at) w.raw(poke.literal);
    else if (stringEvery && i % stringEvery === 0) w.numString(items[i % items.length]);
    else w.num(items[i % items.length]);
  }
  w.raw(']');
}

/** A valid payload in a random shape. Returns the JSON text. */
export function validPayload(w: JsonWriter, rng: Rng, v: Float32Array, stats?: PayloadStats): string {
  const shape = SHAPES[rng.weighted(SHAPE_WEIGHTS)];
  const stringEvery = rng.chance(STRING_ITEMS_SHARE) ? rng.range(2, 9) : 0;
  if (stats) {
    stats.shapes[shape]++;
    if (stringEvery) stats.stringItems++;
  }
  w.reset();
  open(w, shape);
  list(w, v, v.length, stringEvery);
  close(w, shape);
  return w.toString();
}

/** An invalid payload of the given kind, built from a valid vector `v` of the target dimension. */
export function dirtyPayload(w: JsonWriter, rng: Rng, kind: FacetDirtyKind, v: Float32Array): string {
  const dim = v.length;
  const shape = SHAPES[rng.weighted(SHAPE_WEIGHTS)];
  w.reset();
  switch (kind) {
    case 'wrong_dim': {
      const len = dim > 8 && rng.chance(0.5) ? dim - rng.range(1, 8) : dim + rng.range(1, 8);
      open(w, shape);
      list(w, v, len);
      return close(w, shape).toString();
    }
    case 'zero_vector':
      open(w, shape);
      list(w, new Float32Array(dim), dim);
      return close(w, shape).toString();
    case 'float32_overflow':
      open(w, shape);
      list(w, v, dim, 0, { at: rng.int(dim), literal: rng.chance(0.5) ? '1e39' : '-3.5e38' });
      return close(w, shape).toString();
    case 'non_numeric_item':
      open(w, shape);
      list(w, v, dim, 0, { at: rng.int(dim), literal: rng.pick(['"n/a"', 'null', 'true', '"0.1.2"', '{}']) });
      return close(w, shape).toString();
    case 'empty_list':
      open(w, shape);
      w.raw('[]');
      return close(w, shape).toString();
    case 'wrong_shape_object':
      w.raw(`{"${rng.pick(['vectors', 'data', 'emb'])}":`);
      list(w, v, dim);
      return w.raw('}').toString();
    case 'wrong_shape_number':
      return w.num(rng.next()).toString();
    case 'wrong_shape_string':
      // A list serialised twice: json.loads gives a str, not a list.
      w.raw('"');
      list(w, v, dim);
      return w.raw('"').toString();
  }
}
