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

  it('the match graph loads with the expected inputs and outputs', async () => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(buildMatchGraph([1, 2, 0, 1, 1, 1], [4, 4, 4, 0, 4, 4])));
    expect(session.inputNames).toEqual(['q0', 'c0', 'q1', 'c1', 'q2', 'c2', 'q4', 'c4', 'q5', 'c5', 'pq', 'pcT', 'kt', 'kj']);
    expect(session.outputNames).toContain('t2jIdx');
    expect(session.outputNames).toContain('j2tCos5');
    expect(session.outputNames).not.toContain('j2tCos3');
    await session.release();
  });
});
