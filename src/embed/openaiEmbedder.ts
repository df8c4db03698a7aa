import { ExitCode, FitmatchError, messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { redact, registerSecret } from '../redact.js';
import { backoffMs, parseRetryAfter, sleep } from './backoff.js';
import { normalise, type Embedder, type EmbedUsage } from './embedder.js';

export interface OpenAiOptions {
  /** e.g. https://api.openai.com/v1; requests go to {baseUrl}/embeddings. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  dimensions?: number;
  batchSize: number;
  concurrency: number;
  timeoutMs?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Longest Retry-After honoured as given. */
  retryAfterCapMs?: number;
  log?: Logger;
  random?: () => number;
  /** How a wait between attempts is spent (tests record the waits instead of spending them). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class EmbedError extends FitmatchError {
  constructor(message: string) {
    super(redact(message), ExitCode.FAILED);
    this.name = 'EmbedError';
  }
}

/** Thrown for a response that should be retried (429, 5xx, timeout, network). */
class Retryable extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

export function createOpenAiEmbedder(o: OpenAiOptions): Embedder {
  const usage: EmbedUsage = { promptTokens: 0, requests: 0, retries: 0 };
  // An error body may echo the Authorization header: make sure it is scrubbed wherever it is printed.
  registerSecret(o.apiKey);
  const url = `${o.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const maxRetries = o.maxRetries ?? 6;

  async function once(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 60_000);
    let res: Response;
    let text: string;
    try {
      usage.requests++;
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
        body: JSON.stringify({ model: o.model, input, encoding_format: 'float', ...(o.dimensions ? { dimensions: o.dimensions } : {}) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new Retryable(timeout.aborted ? `timed out after ${o.timeoutMs ?? 60_000} ms` : `request failed: ${messageOf(e)}`);
    }
    if (res.status === 429 || res.status >= 500) throw new Retryable(`HTTP ${res.status}`, parseRetryAfter(res.headers.get('retry-after')));
    if (!res.ok) throw new EmbedError(`embedding request to ${url} failed with HTTP ${res.status}: ${text.slice(0, 300)}`);
    return parseResponse(text, input.length);
  }

  function parseResponse(text: string, n: number): Float32Array[] {
    const bad = (why: string) => new EmbedError(`malformed embeddings response from ${url}: ${why}`);
    let body: { data?: unknown; usage?: { prompt_tokens?: number; total_tokens?: number } };
    try {
      body = JSON.parse(text);
    } catch {
      throw bad(`not JSON (${JSON.stringify(text.slice(0, 80))})`);
    }
    if (!body || !Array.isArray(body.data)) throw bad('no "data" array');
    if (body.data.length !== n) throw bad(`${body.data.length} embeddings for ${n} inputs`);
    const out: Float32Array[] = new Array(n);
    let dim = o.dimensions ?? -1;
    for (const item of body.data as { index?: unknown; embedding?: unknown }[]) {
      const i = item?.index;
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= n || out[i]) throw bad(`bad or repeated index ${JSON.stringify(i)}`);
      const e = item.embedding;
      if (!Array.isArray(e) || e.length === 0) throw bad(`embedding ${i} is not a list of numbers`);
      if (dim >= 0 && e.length !== dim) throw bad(`embedding ${i} has ${e.length} dimensions, expected ${dim}`);
      dim = e.length;
      const v = new Float32Array(e.length);
      for (let j = 0; j < e.length; j++) {
        const x = e[j];
        if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw bad(`embedding ${i} has a non-numeric value at ${j}`);
        v[j] = x;
      }
      out[i] = normalise(v);
    }
    usage.promptTokens += Number(body.usage?.prompt_tokens ?? body.usage?.total_tokens ?? 0) || 0;
    return out;
  }

  async function withRetries(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(input, signal);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (attempt >= maxRetries) throw new EmbedError(`embedding request to ${url} failed after ${attempt + 1} attempts: ${e.message}`);
        const wait =
          e.retryAfterMs !== undefined
            ? Math.min(e.retryAfterMs, o.retryAfterCapMs ?? 120_000)
            : backoffMs(attempt, o.backoffBaseMs ?? 500, o.backoffCapMs ?? 30_000, o.random);
        usage.retries++;
        o.log?.warn(`embedding request: ${e.message}; retry ${attempt + 1}/${maxRetries} in ${wait} ms`);
        await (o.sleep ?? sleep)(wait, signal);
      }
    }
  }

  return {
    model: `openai:${o.model}${o.dimensions ? `:${o.dimensions}` : ''}`,
    usage,
    embed: async (texts, signal) => {
      const batches: string[][] = [];
      for (let i = 0; i < texts.length; i += o.batchSize) batches.push(texts.slice(i, i + o.batchSize));
      const results: Float32Array[][] = new Array(batches.length);
      let next = 0;
      let failed = false;
      const worker = async () => {
        while (next < batches.length && !failed) {
          const b = next++;
          try {
            results[b] = await withRetries(batches[b], signal);
          } catch (e) {
            failed = true;
            throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(o.concurrency, batches.length) }, worker));
      return results.flat();
    },
  };
}
