/** Turns texts into unit-length vectors; `model` is what the embeddings' model column records. */
export interface Embedder {
  readonly model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  readonly usage: EmbedUsage;
}

export interface EmbedUsage {
  promptTokens: number;
  requests: number;
  retries: number;
}

export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}
