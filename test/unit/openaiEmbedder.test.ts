import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../src/embed/backoff.js';
import { EmbedError, createOpenAiEmbedder, type OpenAiOptions } from '../../src/embed/openaiEmbedder.js';
import { memoryLogger } from '../../src/log.js';

type Script = (req: { body: { model: string; input: string[]; dimensions?: number }; auth?: string }, res: ServerResponse) => void | Promise<void>;

/** A local OpenAI-compatible /embeddings endpoint whose behaviour each test scripts per request. */
let server: Server;
let base: string;
let script: Script[] = [];
let seen: { input: string[]; auth?: string; dimensions?: number }[] = [];

const embedding = (text: string, dim: number) => Array.from({ length: dim }, (_, i) => (i === text.length % dim ? 3 : 0) + 1);
const okReply: Script = ({ body }, res) => {
  const dim = body.dimensions ?? 4;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: body.input.map((t, index) => ({ index, embedding: embedding(t, dim) })).reverse(), usage: { prompt_tokens: body.input.length * 2 } }));
};

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    seen.push({ input: body.input, auth: req.headers.authorization, dimensions: body.dimensions });
    const step = script.shift() ?? okReply;
    await step({ body, auth: req.headers.authorization }, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  script = [];
  seen = [];
});

const make = (o: Partial<OpenAiOptions> = {}) =>
  createOpenAiEmbedder({ baseUrl: base, apiKey: 'sk-test-secret', model: 'text-embedding-3-small', batchSize: 2, concurrency: 2, backoffBaseMs: 5, backoffCapMs: 20, timeoutMs: 2000, ...o });

describe('openai embedder against a local server', () => {
  it('batches inputs, keeps order by index, normalises and counts tokens', async () => {
    const e = make({ dimensions: 4 });
    const out = await e.embed(['a', 'bb', 'ccc', 'dddd', 'eeeee']);
    expect(seen.map((s) => s.input.length).sort()).toEqual([1, 2, 2]);
    expect(seen.every((s) => s.auth === 'Bearer sk-test-secret' && s.dimensions === 4)).toBe(true);
    expect(out.map((v) => Array.from(v).indexOf(Math.max(...v)))).toEqual([1, 2, 3, 0, 1]);
    for (const v of out) expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect(e.usage.promptTokens).toBe(10);
    expect(e.model).toBe('openai:text-embedding-3-small:4');
  });

  it('retries a 429 after the Retry-After it was given, and 5xx with backoff', async () => {
    script = [
      (_r, res) => {
        res.writeHead(429, { 'retry-after': '1' }).end('{"error":"slow down"}');
      },
      (_r, res) => {
        res.writeHead(500).end('oops');
      },
      (_r, res) => {
        res.writeHead(503).end('');
      },
    ];
    const log = memoryLogger();
    // The waits are recorded, not spent: Retry-After's second as given, then the backoff.
    const waits: number[] = [];
    const e = make({ batchSize: 10, log, sleep: async (ms) => void waits.push(ms) });
    const out = await e.embed(['x']);
    expect(out).toHaveLength(1);
    expect(e.usage.retries).toBe(3);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBe(1000);
    expect(seen).toHaveLength(4);
    expect(log.lines.join('\n')).toMatch(/HTTP 429; retry 1\/6 in 1000 ms/);
    expect(log.lines.join('\n')).not.toContain('sk-test-secret');
  });

  it('a slow response times out and is retried', async () => {
    script = [
      // Answers only once the client has given up on the request (its timeout closed the connection).
      async (r, res) => {
        await new Promise((ok) => res.once('close', ok));
        if (!res.writableEnded) await okReply(r, res);
      },
    ];
    const e = make({ batchSize: 10, timeoutMs: 200 });
    const out = await e.embed(['x', 'y']);
    expect(out).toHaveLength(2);
    expect(e.usage.retries).toBe(1);
  });

  it('fails clearly on a malformed body, without retrying', async () => {
    const bodies = ['not json', '{"data": "nope"}', '{"data": [{"index": 0, "embedding": [1, "a"]}]}', '{"data": []}', '{"data": [{"index": 5, "embedding": [1]}]}'];
    for (const b of bodies) {
      script = [(_r, res) => void res.end(b)];
      seen = [];
      const err = await make({ batchSize: 10 }).embed(['x']).catch((e) => e);
      expect(err).toBeInstanceOf(EmbedError);
      expect(err.message).toMatch(/malformed embeddings response/);
      expect(err.exitCode).toBe(6);
      expect(seen).toHaveLength(1);
    }
  });

  it('rejects embeddings of the wrong dimension', async () => {
    script = [(_r, res) => void res.end(JSON.stringify({ data: [{ index: 0, embedding: [1, 2, 3, 4] }] }))];
    const err = await make({ dimensions: 8 })
      .embed(['x'])
      .catch((e) => e);
    expect(err).toBeInstanceOf(EmbedError);
    expect(err.message).toMatch(/4 dimensions, expected 8/);
    script = [(_r, res) => void res.end(JSON.stringify({ data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [1, 2, 3] }] }))];
    expect((await make().embed(['a', 'b']).catch((e) => e)).message).toMatch(/3 dimensions, expected 2/);
  });

  it('gives up after maxRetries with a clear error; other 4xx fail at once and never echo the key', async () => {
    script = Array.from({ length: 3 }, () => (_r: unknown, res: ServerResponse) => void res.writeHead(502).end());
    const err = await make({ maxRetries: 2 }).embed(['x']).catch((e) => e);
    expect(err.message).toMatch(/failed after 3 attempts: HTTP 502/);
    script = [(r, res) => void res.writeHead(401).end(`bad key ${r.auth}`)];
    seen = [];
    const e401 = await make().embed(['x']).catch((e) => e);
    expect(e401.message).toMatch(/HTTP 401/);
    expect(e401.message).not.toContain('sk-test-secret');
    expect(seen).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('is jittered, exponential and capped', () => {
    expect(backoffMs(0, 100, 1000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 1000, () => 1)).toBe(800);
    expect(backoffMs(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffMs(10, 100, 1000, () => 0.5)).toBe(500);
  });
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
