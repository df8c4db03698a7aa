import { ProtoWriter } from './ProtoWriter.js';

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;

export type AttrValue = number | number[] | string | { int: number } | { ints: number[] };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Plain numbers are FLOAT attributes; wrap integers as { int } / { ints }. */
  attrs?: Record<string, AttrValue>;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** Numbers are fixed sizes, strings are symbolic dimensions. */
  shape: (number | string)[];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array | Uint8Array;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers?: OnnxInitializer[];
}

// Field numbers from onnx.proto3.
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_FLOATS = 6, ATTR_INTS = 7;

function writeAttr(w: ProtoWriter, name: string, value: AttrValue): void {
  w.string(1, name);
  if (typeof value === 'number') w.float(2, value).int(20, ATTR_FLOAT);
  else if (typeof value === 'string') w.string(4, value).int(20, ATTR_STRING);
  else if (Array.isArray(value)) {
    for (const v of value) w.float(7, v);
    w.int(20, ATTR_FLOATS);
  } else if ('int' in value) w.int(3, value.int).int(20, ATTR_INT);
  else w.packedInts(8, value.ints).int(20, ATTR_INTS);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, v.elemType).message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      }),
    ),
  );
}

function writeInitializer(w: ProtoWriter, t: OnnxInitializer): void {
  w.packedInts(1, t.dims);
  w.int(2, t.data instanceof Float32Array ? OnnxType.FLOAT : t.data instanceof Uint8Array ? OnnxType.UINT8 : OnnxType.INT64);
  w.string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

/** Serialises a single-graph ModelProto (default domain only). */
export function encodeOnnxModel(graph: OnnxGraph, opset = 17, irVersion = 8): Uint8Array {
  const model = new ProtoWriter();
  model.int(1, irVersion).string(2, 'fitmatch');
  model.message(7, (g) => {
    graph.nodes.forEach((n, i) =>
      g.message(1, (node) => {
        for (const s of n.inputs) node.string(1, s);
        for (const s of n.outputs) node.string(2, s);
        node.string(3, `${n.op}_${i}`).string(4, n.op);
        for (const [k, v] of Object.entries(n.attrs ?? {})) node.message(5, (a) => writeAttr(a, k, v));
      }),
    );
    g.string(2, graph.name);
    for (const t of graph.initializers ?? []) g.message(5, (tp) => writeInitializer(tp, t));
    for (const v of graph.inputs) g.message(11, (vi) => writeValueInfo(vi, v));
    for (const v of graph.outputs) g.message(12, (vi) => writeValueInfo(vi, v));
  });
  model.message(8, (op) => op.string(1, '').int(2, opset));
  return model.finish();
}
