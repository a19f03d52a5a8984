import { encodeOnnxModel, type OnnxValueInfo } from './onnxProto.js';
import {
  broadcastConstant,
  Conversion,
  depthwiseToOihw,
  hwioToOihw,
  ints,
  type Layout,
  type TfjsGraph,
  type TfjsGraphNode,
  type TfjsSignature,
  TO_NCHW,
  text,
  type WeightTensor,
} from './tfjsGraphConversion.js';

export { depthwiseToOihw, hwioToOihw, type TfjsGraph, type TfjsGraphNode, type TfjsSignature, type WeightTensor };

const OPSET = 13;

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
