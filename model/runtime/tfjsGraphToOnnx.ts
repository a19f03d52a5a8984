import { encodeOnnxModel, type OnnxAttribute, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from './onnxProto.js';

/** A node of a tfjs graph model's `modelTopology` (a TensorFlow GraphDef as JSON). */
export interface TfjsGraphNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfjsAttr>>;
}

export interface TfjsAttr {
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  /** base64 */
  readonly s?: string;
  readonly list?: { readonly i?: readonly (string | number)[]; readonly s?: readonly string[] };
  readonly shape?: { readonly dim?: readonly { readonly size: string | number }[] };
}

export interface TfjsGraph {
  readonly node: readonly TfjsGraphNode[];
}

/** The model's signature: input and output keys and the tensors they name (`Identity_2:0`). */
export interface TfjsSignature {
  readonly inputs?: Readonly<Record<string, { readonly name: string }>>;
  readonly outputs?: Readonly<Record<string, { readonly name: string }>>;
}

/** A decoded weight (a Const node's value). */
export interface WeightTensor {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

type Layout = 'nchw' | 'plain';
interface Value {
  readonly name: string;
  readonly layout: Layout;
}

const OPSET = 13;
const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** TensorFlow's HWIO convolution filter as ONNX's OIHW. */
export function hwioToOihw(data: ArrayLike<number>, [kh, kw, ci, co]: readonly number[]): Float32Array {
  const [h, w, i, o] = [kh ?? 0, kw ?? 0, ci ?? 0, co ?? 0];
  const out = new Float32Array(h * w * i * o);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++) for (let k = 0; k < o; k++) out[((k * i + c) * h + y) * w + x] = data[((y * w + x) * i + c) * o + k] ?? 0;
  return out;
}

/** A depthwise filter (H, W, C, multiplier) as a grouped ONNX filter (C * multiplier, 1, H, W), channel-major. */
export function depthwiseToOihw(data: ArrayLike<number>, [kh, kw, ci, mult]: readonly number[]): Float32Array {
  return hwioToOihw(data, [kh ?? 0, kw ?? 0, 1, (ci ?? 0) * (mult ?? 0)]);
}

const text = (s: string | undefined) => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));
const ints = (a: TfjsAttr | undefined) => (a?.list?.i ?? []).map(Number);

/** One tfjs graph being written as ONNX: values carry their layout (4-D activations are NCHW on the ONNX side). */
class Conversion {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  readonly inputs: OnnxValueInfo[] = [];
  private readonly values = new Map<string, Value>();
  private count = 0;

  constructor(
    readonly model: string,
    private readonly weights: ReadonlyMap<string, WeightTensor>,
  ) {}

  fail(n: TfjsGraphNode, why: string): never {
    throw new Error(`${this.model}: cannot convert node ${n.name} (${n.op}): ${why}`);
  }

  private ref(n: TfjsGraphNode, i: number): string {
    const raw = n.input?.[i];
    if (raw === undefined) this.fail(n, `input ${i} is missing`);
    return raw.replace(/:0$/, '');
  }

  isConst(n: TfjsGraphNode, i: number): boolean {
    return this.weights.has(this.ref(n, i)) && !this.values.has(this.ref(n, i));
  }

  value(n: TfjsGraphNode, i: number): Value {
    const v = this.values.get(this.ref(n, i));
    if (!v) this.fail(n, `input ${this.ref(n, i)} is no computed tensor`);
    return v;
  }

  constant(n: TfjsGraphNode, i: number): WeightTensor {
    const w = this.weights.get(this.ref(n, i));
    if (!w) this.fail(n, `input ${this.ref(n, i)} is no constant`);
    return w;
  }

  set(tfName: string, v: Value): void {
    this.values.set(tfName, v);
  }

  get(tfName: string): Value | undefined {
    return this.values.get(tfName);
  }

  init(data: Float32Array | BigInt64Array, dims: readonly number[]): string {
    const name = `c${this.count++}`;
    this.initializers.push({ name, dims, data });
    return name;
  }

  int64(values: readonly number[]): string {
    return this.init(BigInt64Array.from(values.map(BigInt)), [values.length]);
  }

  emit(op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string {
    const out = `t${this.count++}`;
    this.nodes.push({ op, inputs, outputs: [out], attributes });
    return out;
  }

  /** The value in TensorFlow's own layout (NHWC for 4-D activations). */
  nhwc(v: Value): string {
    return v.layout === 'nchw' ? this.emit('Transpose', [v.name], { perm: TO_NHWC }) : v.name;
  }
}

/** A constant operand of an element-wise op, shaped to broadcast against a value of `layout`. */
function broadcastConstant(c: Conversion, n: TfjsGraphNode, w: WeightTensor, layout: Layout): string {
  const data = Float32Array.from(w.data);
  if (layout === 'plain' || w.shape.length === 0) return c.init(data, w.shape);
  const size = w.shape.reduce((a, b) => a * b, 1);
  const last = w.shape[w.shape.length - 1] ?? 1;
  if (size === last) return c.init(data, [last, 1, 1]); // per channel: [C], [1, C], [1, 1, 1, C]
  if (w.shape.length === 4)
    return c.init(
      Float32Array.from(transpose4(data, w.shape, TO_NCHW)),
      TO_NCHW.map((d) => w.shape[d] ?? 1),
    );
  return c.fail(n, `a constant of shape ${w.shape.join('x')} against an image tensor`);
}

function transpose4(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const [a, b, cc, d] = shape.map(Number) as [number, number, number, number];
  const dims = [a, b, cc, d];
  const outDims = perm.map((p) => dims[p] ?? 1);
  const strides = [b * cc * d, cc * d, d, 1];
  const out = new Float32Array(data.length);
  let k = 0;
  const idx = [0, 0, 0, 0];
  for (idx[0] = 0; idx[0] < (outDims[0] ?? 1); idx[0]++)
    for (idx[1] = 0; idx[1] < (outDims[1] ?? 1); idx[1]++)
      for (idx[2] = 0; idx[2] < (outDims[2] ?? 1); idx[2]++)
        for (idx[3] = 0; idx[3] < (outDims[3] ?? 1); idx[3]++) {
          let src = 0;
          for (let j = 0; j < 4; j++) src += (idx[j] ?? 0) * (strides[perm[j] ?? 0] ?? 0);
          out[k++] = data[src] ?? 0;
        }
  return out;
}

function padding(c: Conversion, n: TfjsGraphNode): string {
  const p = text(n.attr?.padding?.s);
  if (p === 'SAME') return 'SAME_UPPER'; // TensorFlow puts the odd pixel after, as SAME_UPPER does
  if (p === 'VALID') return 'VALID';
  return c.fail(n, `padding ${p || '(none)'} is not supported`);
}

function spatial(c: Conversion, n: TfjsGraphNode): { strides: number[]; dilations: number[]; auto_pad: string } {
  const format = text(n.attr?.data_format?.s);
  if (format && format !== 'NHWC') c.fail(n, `data format ${format}`);
  const s = ints(n.attr?.strides);
  const d = ints(n.attr?.dilations);
  return { strides: [s[1] ?? 1, s[2] ?? 1], dilations: [d[1] ?? 1, d[2] ?? 1], auto_pad: padding(c, n) };
}

/** The activation a fused op ends with, applied to `y`; `alphaInput` is where a Prelu's slopes are. */
function activation(c: Conversion, n: TfjsGraphNode, op: string | undefined, y: string, layout: Layout, alphaInput: number): string {
  if (op === undefined) return y;
  if (op === 'Relu') return c.emit('Relu', [y]);
  if (op === 'Relu6') return c.emit('Clip', [y, c.init(Float32Array.of(0), []), c.init(Float32Array.of(6), [])]);
  if (op === 'Prelu') return c.emit('PRelu', [y, broadcastConstant(c, n, c.constant(n, alphaInput), layout)]);
  if (op === 'LeakyRelu') return c.emit('LeakyRelu', [y], { alpha: { float: n.attr?.leakyrelu_alpha?.f ?? 0.2 } });
  return c.fail(n, `fused activation ${op} is not supported`);
}

function fusedOps(n: TfjsGraphNode): string[] {
  return (n.attr?.fused_ops?.list?.s ?? []).map(text);
}

function convolution(c: Conversion, n: TfjsGraphNode, depthwise: boolean): void {
  const x = c.value(n, 0);
  if (x.layout !== 'nchw') c.fail(n, 'its input is not an image tensor');
  const f = c.constant(n, 1);
  const [kh = 1, kw = 1, ci = 1, co = 1] = f.shape;
  const filter = depthwise ? depthwiseToOihw(f.data, f.shape) : hwioToOihw(f.data, f.shape);
  const outChannels = depthwise ? ci * co : co;
  const inputs = [x.name, c.init(filter, [outChannels, depthwise ? 1 : ci, kh, kw])];
  const [first, then, ...rest] = n.op.startsWith('_Fused') || n.op.startsWith('Fused') ? fusedOps(n) : [];
  if (rest.length > 0 || (first !== undefined && first !== 'BiasAdd')) c.fail(n, `fused ops ${fusedOps(n).join(', ')}`);
  if (first === 'BiasAdd') inputs.push(c.init(Float32Array.from(c.constant(n, 2).data), [outChannels]));
  const y = c.emit('Conv', inputs, { ...spatial(c, n), kernel_shape: [kh, kw], group: depthwise ? ci : 1 });
  c.set(n.name, { name: activation(c, n, then, y, 'nchw', 3), layout: 'nchw' });
}

function pool(c: Conversion, n: TfjsGraphNode, op: 'MaxPool' | 'AveragePool'): void {
  const x = c.value(n, 0);
  const k = ints(n.attr?.ksize);
  const { strides, auto_pad } = spatial(c, n);
  c.set(n.name, { name: c.emit(op, [x.name], { kernel_shape: [k[1] ?? 1, k[2] ?? 1], strides, auto_pad }), layout: x.layout });
}

const BINARY: Readonly<Record<string, string>> = {
  Add: 'Add',
  AddV2: 'Add',
  Mul: 'Mul',
  Sub: 'Sub',
  RealDiv: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
};

function binary(c: Conversion, n: TfjsGraphNode): void {
  const constA = c.isConst(n, 0);
  const constB = c.isConst(n, 1);
  if (constA && constB) c.fail(n, 'both operands are constants');
  const v = c.value(n, constA ? 1 : 0);
  let other: string;
  if (constA || constB) other = broadcastConstant(c, n, c.constant(n, constA ? 0 : 1), v.layout);
  else {
    const w = c.value(n, 1);
    if (w.layout !== v.layout) c.fail(n, 'its operands have different layouts');
    other = w.name;
  }
  const op = BINARY[n.op] ?? c.fail(n, 'unknown element-wise op');
  c.set(n.name, { name: c.emit(op, constA ? [other, v.name] : [v.name, other]), layout: v.layout });
}

function matmul(c: Conversion, n: TfjsGraphNode): void {
  const a = c.value(n, 0);
  if (a.layout !== 'plain') c.fail(n, 'a matrix product of an image tensor');
  const b = c.constant(n, 1);
  const inputs = [a.name, c.init(Float32Array.from(b.data), b.shape)];
  const [first, then, ...rest] = n.op === '_FusedMatMul' ? fusedOps(n) : [];
  if (rest.length > 0 || (first !== undefined && first !== 'BiasAdd')) c.fail(n, `fused ops ${fusedOps(n).join(', ')}`);
  if (first === 'BiasAdd') inputs.push(c.init(Float32Array.from(c.constant(n, 2).data), c.constant(n, 2).shape));
  const y = c.emit('Gemm', inputs, { transA: n.attr?.transpose_a?.b ? 1 : 0, transB: n.attr?.transpose_b?.b ? 1 : 0 });
  c.set(n.name, { name: activation(c, n, then, y, 'plain', 3), layout: 'plain' });
}

function pad(c: Conversion, n: TfjsGraphNode): void {
  const x = c.value(n, 0);
  const p = Array.from(c.constant(n, 1).data);
  const rank = p.length / 2;
  const order = x.layout === 'nchw' ? TO_NCHW : [...Array(rank).keys()];
  const pads = [...order.map((d) => p[2 * d] ?? 0), ...order.map((d) => p[2 * d + 1] ?? 0)];
  const inputs = [x.name, c.int64(pads)];
  if (n.op === 'PadV2') inputs.push(c.init(Float32Array.from(c.constant(n, 2).data), []));
  c.set(n.name, { name: c.emit('Pad', inputs), layout: x.layout });
}

function unary(op: string) {
  return (c: Conversion, n: TfjsGraphNode) => {
    const x = c.value(n, 0);
    c.set(n.name, { name: c.emit(op, [x.name]), layout: x.layout });
  };
}

const OPS: Readonly<Record<string, (c: Conversion, n: TfjsGraphNode) => void>> = {
  Conv2D: (c, n) => convolution(c, n, false),
  _FusedConv2D: (c, n) => convolution(c, n, false),
  DepthwiseConv2dNative: (c, n) => convolution(c, n, true),
  FusedDepthwiseConv2dNative: (c, n) => convolution(c, n, true),
  MaxPool: (c, n) => pool(c, n, 'MaxPool'),
  AvgPool: (c, n) => pool(c, n, 'AveragePool'),
  MatMul: matmul,
  _FusedMatMul: matmul,
  Pad: pad,
  PadV2: pad,
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Elu: unary('Elu'),
  Identity: (c, n) => c.set(n.name, c.value(n, 0)),
  Prelu: (c, n) => {
    const x = c.value(n, 0);
    c.set(n.name, { name: c.emit('PRelu', [x.name, broadcastConstant(c, n, c.constant(n, 1), x.layout)]), layout: x.layout });
  },
  Reshape: (c, n) => {
    const x = c.value(n, 0);
    c.set(n.name, { name: c.emit('Reshape', [c.nhwc(x), c.int64(Array.from(c.constant(n, 1).data))]), layout: 'plain' });
  },
  Softmax: (c, n) => {
    const x = c.value(n, 0);
    c.set(n.name, { name: c.emit('Softmax', [x.name], { axis: x.layout === 'nchw' ? 1 : -1 }), layout: x.layout });
  },
  ...Object.fromEntries(Object.keys(BINARY).map((op) => [op, binary])),
};

function placeholder(c: Conversion, n: TfjsGraphNode): void {
  const dims = (n.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size));
  c.inputs.push({ name: n.name, dims: dims.map((d) => (d < 0 ? 'N' : d)) });
  if (dims.length === 4) c.set(n.name, { name: c.emit('Transpose', [n.name], { perm: TO_NCHW }), layout: 'nchw' });
  else c.set(n.name, { name: n.name, layout: 'plain' });
}

/** The graph's outputs: the signature's keys and the tensors they name, else every computed node nothing consumes. */
function graphOutputs(graph: TfjsGraph, signature: TfjsSignature | undefined): [string, string][] {
  const named = Object.entries(signature?.outputs ?? {});
  if (named.length > 0) return named.map(([key, t]) => [key, t.name.replace(/:0$/, '')]);
  const consumed = new Set(graph.node.flatMap((n) => (n.input ?? []).map((i) => i.replace(/:0$/, '').replace(/^\^/, ''))));
  return graph.node.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && !consumed.has(n.name)).map((n) => [n.name, n.name]);
}

/**
 * A tfjs graph model (Human's BlazeFace, FaceMesh and its two liveness nets) as an ONNX model computing the same
 * function: inputs and outputs keep their names and TensorFlow's NHWC layout, the activations in between are NCHW
 * (ONNX's convolution layout), filters are transposed once here. Only the ops those graphs use are known; any other
 * op is refused with its node's name, never guessed.
 */
export function tfjsGraphToOnnx(
  model: string,
  graph: TfjsGraph,
  signature: TfjsSignature | undefined,
  weights: ReadonlyMap<string, WeightTensor>,
): Uint8Array {
  const c = new Conversion(model, weights);
  for (const n of graph.node) {
    if (n.op === 'Const') continue;
    if (n.op === 'Placeholder') placeholder(c, n);
    else (OPS[n.op] ?? ((cc: Conversion, nn: TfjsGraphNode) => cc.fail(nn, 'the op is not supported')))(c, n);
  }
  const outputs: OnnxValueInfo[] = [];
  for (const [key, tensor] of graphOutputs(graph, signature)) {
    const v = c.get(tensor);
    if (!v) throw new Error(`${model}: output ${key} names ${tensor}, which the graph does not compute`);
    c.nodes.push({ op: 'Identity', inputs: [c.nhwc(v)], outputs: [key] });
    outputs.push({ name: key });
  }
  return encodeOnnxModel(
    { name: model, nodes: c.nodes, initializers: c.initializers, inputs: c.inputs, outputs },
    OPSET,
    'facelock tfjs-to-onnx',
  );
}
