import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, OnnxType } from '../../../src/kernel/encodeOnnxModel.js';
import { ProtoWriter } from '../../../src/kernel/ProtoWriter.js';
import { buildMatchGraph } from '../../../src/kernel/buildMatchGraph.js';

describe('ProtoWriter', () => {
  it('encodes varints, negative int64 and length-delimited fields', () => {
    expect([...new ProtoWriter().int(1, 300).finish()]).toEqual([0x08, 0xac, 0x02]);
    expect(new ProtoWriter().int(1, -1).finish().length).toBe(11);
    expect([...new ProtoWriter().string(2, 'hi').finish()]).toEqual([0x12, 2, 0x68, 0x69]);
  });
});

describe('encodeOnnxModel', () => {
  it('builds a model ORT loads and runs (attributes, initializers, symbolic dims)', async () => {
    const model = encodeOnnxModel({
      name: 'g',
      nodes: [
        { op: 'Gemm', inputs: ['a', 'b', 'bias'], outputs: ['y'], attrs: { transB: { int: 1 }, alpha: 2 } },
        { op: 'TopK', inputs: ['y', 'k'], outputs: ['v', 'i'], attrs: { axis: { int: -1 } } },
      ],
      inputs: [
        { name: 'a', elemType: OnnxType.FLOAT, shape: ['n', 2] },
        { name: 'b', elemType: OnnxType.FLOAT, shape: [3, 2] },
      ],
      outputs: [
        { name: 'y', elemType: OnnxType.FLOAT, shape: ['n', 3] },
        { name: 'i', elemType: OnnxType.INT64, shape: ['n', 2] },
      ],
      initializers: [
        { name: 'bias', dims: [3], data: Float32Array.of(0, 0, 10) },
        { name: 'k', dims: [1], data: BigInt64Array.of(2n) },
      ],
    });
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({
      a: new ort.Tensor('float32', Float32Array.of(1, 2), [1, 2]),
      b: new ort.Tensor('float32', Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]),
    });
    expect([...(out.y.data as Float32Array)]).toEqual([2, 4, 16]);
    expect([...(out.i.data as BigInt64Array)]).toEqual([2n, 1n]);
    await session.release();
  });

  it('the match graph loads with the expected inputs and outputs (weighted facets only: weight 0 is re-scored exactly, never multiplied)', async () => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(buildMatchGraph([1, 2, 0, 1, 1, 1], [4, 4, 4, 0, 4, 4])));
    expect(session.inputNames).toEqual(['q0', 'c0', 'q1', 'c1', 'q4', 'c4', 'q5', 'c5', 'pq', 'pcT', 'kt', 'kj']);
    expect(session.outputNames).toEqual(['t2jVal', 't2jIdx', 'j2tVal', 'j2tIdx']);
    await session.release();
  });

  it('the int8 graph takes u8 talents, transposed s8 jobs, both digits and per-row scales', async () => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(buildMatchGraph([1, 0, 0, 0, 0, 0], [4, 0, 0, 0, 0, 0], true, 'int8')));
    expect(session.inputNames).toEqual(['q0', 'c0', 'qq0', 'cc0', 'qs0', 'cs0', 'kt', 'kj']);
    // Talent hi [1, 0, 0, 0], lo [64, 0, 0, 0] (u8 = digit + 128) at scale 0.5; jobs hi [2, 0, 0, 0] lo [32, 0, 0, 0]
    // and hi [0, 1, 0, 0] at scale 0.25. Job 0: 0.5 · 0.25 · (1·2 + (1·32 + 64·2) / 128) = 0.40625 (lo·lo left out).
    const out = await session.run({
      q0: new ort.Tensor('uint8', Uint8Array.of(129, 128, 128, 128), [1, 4]),
      c0: new ort.Tensor('int8', Int8Array.of(2, 0, 0, 1, 0, 0, 0, 0), [4, 2]),
      qq0: new ort.Tensor('uint8', Uint8Array.of(129, 128, 128, 128, 192, 128, 128, 128), [1, 8]),
      cc0: new ort.Tensor('int8', Int8Array.of(32, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0), [8, 2]),
      qs0: new ort.Tensor('float32', Float32Array.of(0.5), [1, 1]),
      cs0: new ort.Tensor('float32', Float32Array.of(0.25, 0.25), [1, 2]),
      kt: new ort.Tensor('int64', BigInt64Array.of(2n), [1]),
      kj: new ort.Tensor('int64', BigInt64Array.of(1n), [1]),
    });
    expect([...(out.t2jVal.data as Float32Array)]).toEqual([0.40625, 0]);
    expect([...(out.t2jIdx.data as BigInt64Array)]).toEqual([0n, 1n]);
    await session.release();
  });
});
