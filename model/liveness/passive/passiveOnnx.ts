import { encodeOnnxModel, type OnnxInitializer, type OnnxNode } from '../../runtime/onnxProto.js';
import { CROP_SIDE, type PassiveNetConfig } from './passiveNet.js';

/** The trained net's values by tensor name (as `passiveForward` reads them), plain arrays. */
export type PassiveWeights = Readonly<Record<string, Float32Array>>;

const BN_EPSILON = 1e-3;

function weight(w: PassiveWeights, name: string): Float32Array {
  const v = w[name];
  if (!v) throw new Error(`passive liveness weights lack ${name}`);
  return v;
}

/**
 * One conv block's 3x3 kernel ([9 * cin, cout], rows ordered dy, dx, channel) as an ONNX OIHW filter with the
 * inference batch normalisation folded in: W' = W * s, b' = beta - mean * s, s = gamma / sqrt(variance + eps).
 */
export function foldedConv(w: PassiveWeights, i: number, cin: number, cout: number): { filter: Float32Array; bias: Float32Array } {
  const kernel = weight(w, `conv${i}/kernel`);
  const gamma = weight(w, `bn${i}/gamma`);
  const beta = weight(w, `bn${i}/beta`);
  const mean = weight(w, `bn${i}/mean`);
  const variance = weight(w, `bn${i}/variance`);
  const filter = new Float32Array(cout * cin * 9);
  const bias = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const s = (gamma[o] ?? 0) / Math.sqrt((variance[o] ?? 0) + BN_EPSILON);
    bias[o] = (beta[o] ?? 0) - (mean[o] ?? 0) * s;
    for (let c = 0; c < cin; c++) for (let k = 0; k < 9; k++) filter[(o * cin + c) * 9 + k] = (kernel[(k * cin + c) * cout + o] ?? 0) * s;
  }
  return { filter, bias };
}

/**
 * facelock's passive net as an ONNX model computing what `passiveForward` computes at inference, then the
 * temperature-scaled probability: crops [N, 48, 48, 3] in [0, 1] -> `probability` [N, 1]. The crop is resized as
 * tfjs's `resizeBilinear(..., alignCorners true)` does, the input standardised with the training set's statistics.
 */
export function passiveNetToOnnx(net: PassiveNetConfig, w: PassiveWeights, temperature: number): Uint8Array {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  let n = 0;
  const init = (data: Float32Array | BigInt64Array, dims: readonly number[]) => {
    const name = `c${n++}`;
    initializers.push({ name, dims, data });
    return name;
  };
  const emit = (op: string, inputs: readonly string[], attributes: OnnxNode['attributes'] = {}) => {
    const out = `t${n++}`;
    nodes.push({ op, inputs, outputs: [out], attributes });
    return out;
  };
  const k = net.size / CROP_SIDE;
  let x = emit('Transpose', ['crops'], { perm: [0, 3, 1, 2] });
  x = emit('Resize', [x, '', init(Float32Array.of(1, 1, k, k), [4])], {
    mode: 'linear',
    coordinate_transformation_mode: 'align_corners',
  });
  x = emit('Sub', [x, init(weight(w, 'input/mean'), [3, 1, 1])]);
  x = emit('Div', [x, init(weight(w, 'input/std'), [3, 1, 1])]);
  let cin = 3;
  net.widths.forEach((cout, i) => {
    const { filter, bias } = foldedConv(w, i, cin, cout);
    x = emit('Conv', [x, init(filter, [cout, cin, 3, 3]), init(bias, [cout])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    x = emit('Relu', [x]);
    if (i < net.widths.length - 1) x = emit('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
    cin = cout;
  });
  x = emit('Flatten', [emit('GlobalAveragePool', [x])]);
  x = emit('Gemm', [x, init(weight(w, 'dense/kernel'), [cin, 1]), init(weight(w, 'dense/bias'), [1])]);
  x = emit('Div', [x, init(Float32Array.of(temperature), [])]);
  nodes.push({ op: 'Sigmoid', inputs: [x], outputs: ['probability'] });
  return encodeOnnxModel(
    {
      name: 'passiveLiveness',
      nodes,
      initializers,
      inputs: [{ name: 'crops', dims: ['N', CROP_SIDE, CROP_SIDE, 3] }],
      outputs: [{ name: 'probability', dims: ['N', 1] }],
    },
    13,
    'facelock passive liveness',
  );
}
