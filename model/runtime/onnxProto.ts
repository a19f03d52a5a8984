/**
 * The few ONNX protobuf messages facelock writes (onnx/onnx.proto, proto3 wire format): a model of one graph, its
 * nodes with int, float, ints and string attributes, float / int64 initialisers as raw little-endian data, and typed
 * inputs and outputs. ONNX Runtime parses the result; nothing here reads protobuf.
 */

export type OnnxAttribute = number | string | readonly number[] | { readonly float: number };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** Each dimension's size, or a name for a dimension of any size (the batch); no dims: shape not stated. */
  readonly dims?: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** Bytes of one message: fields appended in order. */
class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: Writer): this {
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

function attribute(name: string, value: OnnxAttribute): Writer {
  const w = new Writer().string(1, name);
  if (typeof value === 'string') return w.string(4, value).int(20, ATTR.STRING);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use { float })`);
    return w.int(3, value).int(20, ATTR.INT);
  }
  if ('float' in value) return w.float(2, value.float).int(20, ATTR.FLOAT);
  for (const v of value) w.int(8, v);
  return w.int(20, ATTR.INTS);
}

function node(n: OnnxNode): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attribute(k, v));
  return w;
}

function tensor(t: OnnxInitializer): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.data instanceof Float32Array ? FLOAT : INT64);
  w.string(8, t.name);
  // raw_data is little-endian; so is every machine facelock runs on (x86-64, arm64)
  return w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function valueInfo(v: OnnxValueInfo): Writer {
  const tensorType = new Writer().int(1, FLOAT);
  if (v.dims) {
    const shape = new Writer();
    for (const d of v.dims) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
    tensorType.message(2, shape);
  }
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

/** The serialised ModelProto of one graph at the given opset of the default domain. */
export function encodeOnnxModel(graph: OnnxGraph, opset: number, producer: string): Uint8Array {
  const g = new Writer();
  for (const n of graph.nodes) g.message(1, node(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensor(t));
  for (const i of graph.inputs) g.message(11, valueInfo(i));
  for (const o of graph.outputs) g.message(12, valueInfo(o));
  return new Writer()
    .int(1, 8) // ir_version 8 (ONNX 1.10+)
    .string(2, producer)
    .message(7, g)
    .message(8, new Writer().string(1, '').int(2, opset))
    .finish();
}
