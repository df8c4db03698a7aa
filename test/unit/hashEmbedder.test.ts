import { describe, expect, it } from 'vitest';
import { createHashEmbedder, hashEmbed } from '../../src/embed/hashEmbedder.js';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('hashEmbed', () => {
  it('is deterministic and unit-normalised at the configured dimension', () => {
    const a = hashEmbed('데이터 엔지니어 (Spark, Kafka)', 256)!;
    expect(a.length).toBe(256);
    expect(Array.from(a)).toEqual(Array.from(hashEmbed('데이터 엔지니어 (Spark, Kafka)', 256)!));
    expect(Math.sqrt(cos(a, a))).toBeCloseTo(1, 6);
    expect(hashEmbed('x', 32)!.length).toBe(32);
  });

  it('puts similar Korean texts closer than unrelated ones', () => {
    const a = hashEmbed('백엔드 개발자로 결제 시스템을 개발했습니다', 256)!;
    const b = hashEmbed('결제 시스템 백엔드 개발 경험', 256)!;
    const c = hashEmbed('유치원 교사, 미술 지도와 아동 상담', 256)!;
    expect(cos(a, b)).toBeGreaterThan(cos(a, c) + 0.2);
  });

  it('normalises width, case and spacing; empty text is missing', () => {
    expect(Array.from(hashEmbed('ＡＢＣ  개발', 64)!)).toEqual(Array.from(hashEmbed('abc 개발', 64)!));
    expect(hashEmbed('  \n ', 64)).toBeNull();
  });

  it('the embedder names its model with the dimension', async () => {
    const e = createHashEmbedder(16);
    expect(e.model).toBe('hash:ngram1-3.v1:16');
    const [v] = await e.embed(['안녕']);
    expect(v.length).toBe(16);
  });
});
