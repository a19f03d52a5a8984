import onnxProto from 'onnx-proto';
import { withGraphOutputs } from './graphOutputs.js';
import { loadOnnxSession } from './onnxRuntime.js';

const { onnx } = onnxProto;

/** The work of one network for one input, counted from its graph: the layers that hold nearly all of it. */
export interface FlopCount {
  /** Floating-point operations of its convolutions and matrix products (a multiply-add counts 2). */
  readonly flops: number;
  /** By operator type. */
  readonly byOp: Readonly<Record<string, number>>;
  /** The nodes counted, and those of other types (element-wise, pooling, resizing: left out, a few percent at most). */
  readonly counted: number;
  readonly notCounted: number;
}

const COUNTED = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm']);
const prod = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * A node's operations from the shapes of its tensors (the weight's when it is a constant, else as it ran): x its
 * first input, w its second, y its output; `transA` is Gemm's attribute.
 */
export function nodeFlops(
  op: string,
  shapes: { readonly x: readonly number[]; readonly w: readonly number[]; readonly y: readonly number[] },
  transA = false,
): number {
  const { x, w, y } = shapes;
  switch (op) {
    case 'Conv':
      // each output value: (input channels / group) x kernel multiply-adds; w is [Cout, Cin/group, kh, kw]
      return 2 * prod(y) * prod(w.slice(1));
    case 'ConvTranspose':
      // each input value is spread over (output channels / group) x kernel outputs; w is [Cin, Cout/group, kh, kw]
      return 2 * prod(x) * prod(w.slice(1));
    case 'MatMul':
      // every output value is a dot product along A's last dimension
      return 2 * prod(y) * (x[x.length - 1] ?? 0);
    case 'Gemm':
      // A is [M, K], or [K, M] transposed
      return 2 * prod(y) * ((transA ? x[0] : x[1]) ?? 0);
    default:
      return 0;
  }
}

/**
 * Counts an ONNX network's work for one run on `inputDims`: every convolution and matrix product, from the shapes
 * its tensors take when ONNX Runtime runs it once on zeros (inner tensors added as graph outputs, nothing copied).
 */
export async function countFlops(
  name: string,
  bytes: Uint8Array,
  inputDims: Readonly<Record<string, readonly number[]>>,
): Promise<FlopCount> {
  const graph = onnx.ModelProto.decode(bytes).graph;
  if (!graph) throw new Error(`${name}: the ONNX model has no graph`);
  // initialisers' shapes, and the inputs' as fed: known without running
  const constants = new Map<string, number[]>((graph.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  const nodes = (graph.node ?? []).filter((n) => COUNTED.has(n.opType ?? ''));
  const wanted = new Set<string>();
  for (const [input, dims] of Object.entries(inputDims)) constants.set(input, [...dims]);
  for (const n of nodes) for (const t of [n.input?.[0], n.input?.[1], n.output?.[0]]) if (t && !constants.has(t)) wanted.add(t);
  const session = await loadOnnxSession(name, withGraphOutputs(bytes, [...wanted]), { threads: 1, optimization: 'extended' });
  try {
    const feeds = Object.fromEntries(
      Object.entries(inputDims).map(([input, dims]) => [input, { data: new Float32Array(prod(dims)), dims }]),
    );
    const out = await session.run(feeds, [...wanted]);
    const shape = (t: string | undefined) => (t ? (constants.get(t) ?? [...(out[t]?.dims ?? [])]) : []); // a graph input: as fed
    const byOp: Record<string, number> = {};
    for (const n of nodes) {
      const op = n.opType ?? '';
      const transA = Number(n.attribute?.find((a) => a.name === 'transA')?.i ?? 0) === 1;
      const f = nodeFlops(op, { x: shape(n.input?.[0]), w: shape(n.input?.[1]), y: shape(n.output?.[0]) }, transA);
      byOp[op] = (byOp[op] ?? 0) + f;
    }
    return {
      flops: Object.values(byOp).reduce((a, b) => a + b, 0),
      byOp,
      counted: nodes.length,
      notCounted: (graph.node ?? []).length - nodes.length,
    };
  } finally {
    await session.dispose();
  }
}
