import type { OnnxAttribute, OnnxInitializer, OnnxNode, OnnxValueInfo } from './onnxProto.js';

/** The state of one tfjs-graph-to-ONNX conversion and the layout helpers its op writers share. */

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

/** Where a value's dimensions are: 4-D activations are NCHW on the ONNX side, anything else as TensorFlow has it. */
export type Layout = 'nchw' | 'plain';
export interface Value {
  readonly name: string;
  readonly layout: Layout;
}

export const TO_NCHW = [0, 3, 1, 2];
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

export const text = (s: string | undefined) => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));
export const ints = (a: TfjsAttr | undefined) => (a?.list?.i ?? []).map(Number);

/** One tfjs graph being written as ONNX: values carry their layout (4-D activations are NCHW on the ONNX side). */
export class Conversion {
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
export function broadcastConstant(c: Conversion, n: TfjsGraphNode, w: WeightTensor, layout: Layout): string {
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
