import onnxProto from 'onnx-proto';
import { MODELS, type ModelName } from '../../model/manifest.js';
import { convertGraphArtifacts } from '../../model/runtime/convertedGraphSession.js';
import { countFlops } from '../../model/runtime/countFlops.js';
import { encodeOnnxModel } from '../../model/runtime/onnxProto.js';
import { loadOnnxSession } from '../../model/runtime/onnxRuntime.js';
import { readVerifiedGraphArtifacts, readVerifiedModelFile } from '../../model/verifiedModelLoader.js';
import { summary } from './stats.js';

const { onnx } = onnxProto;

/**
 * Published single-precision peak of one core of each Pi: Cortex-A72 at 1.8 GHz (Pi 4 boards since 2020; 1.5 GHz
 * before), one 4-wide fused multiply-add a cycle (8 FLOPs: vfpbench measured 15.9 GFLOP/s on a 2.0 GHz A72); Cortex-A76
 * at 2.4 GHz with two 128-bit multiply-add pipes (16 FLOPs a cycle).
 */
export const PI_CORE_PEAK_GFLOPS = { 'Pi 4 (Cortex-A72 1.8 GHz)': 1.8 * 8, 'Pi 5 (Cortex-A76 2.4 GHz)': 2.4 * 16 } as const;

/** The networks of the door's engine (model/loadFaceEngine.ts): the detector, the mesh, the embedder, Human's two. */
const NETWORKS: readonly { name: ModelName; kind: 'graph' | 'onnx' }[] = [
  { name: 'blazeface', kind: 'graph' },
  { name: 'facemesh', kind: 'graph' },
  { name: 'faceplugin', kind: 'onnx' },
  { name: 'antispoof', kind: 'graph' },
  { name: 'liveness', kind: 'graph' },
];

async function onnxBytes(name: ModelName, kind: 'graph' | 'onnx'): Promise<Uint8Array> {
  if (kind === 'onnx') return readVerifiedModelFile(MODELS[name]);
  const artifacts = await readVerifiedGraphArtifacts(MODELS[name]);
  try {
    return convertGraphArtifacts(artifacts);
  } finally {
    for (const t of Object.values(artifacts.weights)) t.dispose();
  }
}

/** Each graph input's dimensions, a named (batch) dimension as 1. */
function inputDims(bytes: Uint8Array): Record<string, number[]> {
  const graph = onnx.ModelProto.decode(bytes).graph;
  const constants = new Set((graph?.initializer ?? []).map((t) => t.name));
  return Object.fromEntries(
    (graph?.input ?? [])
      .filter((i) => !constants.has(i.name))
      .map((i) => [i.name ?? '', (i.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue ? Number(d.dimValue) : 1))]),
  );
}

/** Median ms of a session's runs on zeros, after warm-up. */
async function timeRuns(name: string, bytes: Uint8Array, dims: Record<string, number[]>, runs: number) {
  const session = await loadOnnxSession(name, bytes, { threads: 1 });
  try {
    const feeds = Object.fromEntries(
      Object.entries(dims).map(([k, d]) => [k, { data: new Float32Array(d.reduce((a, b) => a * b, 1)), dims: d }]),
    );
    for (let i = 0; i < 5; i++) await session.run(feeds);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await session.run(feeds);
      ms.push(performance.now() - t);
    }
    return summary(ms).median;
  } finally {
    await session.dispose();
  }
}

/**
 * A 1024x1024 by 1024x1024 matrix product on one thread: what this core's ONNX Runtime reaches on the densest work
 * (here 186 GFLOP/s, about the peak of a Zen 5 core; 512 reaches a third of that).
 */
async function sgemmGflops(runs: number): Promise<number> {
  const n = 1024;
  const bytes = encodeOnnxModel(
    {
      name: 'sgemm',
      nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
      initializers: [{ name: 'b', dims: [n, n], data: Float32Array.from({ length: n * n }, (_, i) => (i % 7) / 7) }],
      inputs: [{ name: 'a', dims: [n, n] }],
      outputs: [{ name: 'y', dims: [n, n] }],
    },
    13,
    'facelock-bench',
  );
  const ms = await timeRuns('sgemm', bytes, { a: [n, n] }, runs);
  return (2 * n * n * n) / (ms * 1e6);
}

export interface NetworkWork {
  readonly network: string;
  readonly gflop: number;
  readonly msHere: number;
  readonly gflopsHere: number;
  /** Achieved here over this core's one-thread matrix product: how well the network's layers use the core. */
  readonly ofSgemm: number;
  /** Estimates, ms on one core of each Pi, at the same share of its peak. */
  readonly piMs: Readonly<Record<keyof typeof PI_CORE_PEAK_GFLOPS, number>>;
}

/**
 * Each network's counted work (convolutions and matrix products), its median run time here on zeros on one thread,
 * and an estimate for a Pi core: the work over the Pi core's published peak times the share of
 * this core's dense matrix product the network reaches here. It errs both ways: a Pi's matrix product stays below its
 * peak (slower), small layers waste less of a 4-wide NEON register than of a 16-wide AVX-512 one (faster). The
 * hardware-in-the-loop bench measures the real figure on a Pi.
 */
export async function networkWork(runs = 30): Promise<{ sgemmGflopsHere: number; networks: NetworkWork[] }> {
  const sgemm = await sgemmGflops(runs);
  const networks: NetworkWork[] = [];
  for (const n of NETWORKS) {
    const bytes = await onnxBytes(n.name, n.kind);
    const dims = inputDims(bytes);
    const { flops } = await countFlops(n.name, bytes, dims);
    const msHere = await timeRuns(n.name, bytes, dims, runs);
    const gflopsHere = flops / (msHere * 1e6);
    const ofSgemm = gflopsHere / sgemm;
    const piMs = Object.fromEntries(
      Object.entries(PI_CORE_PEAK_GFLOPS).map(([pi, peak]) => [pi, flops / (ofSgemm * peak * 1e6)]),
    ) as NetworkWork['piMs'];
    networks.push({ network: n.name, gflop: flops / 1e9, msHere, gflopsHere, ofSgemm, piMs });
  }
  return { sgemmGflopsHere: sgemm, networks };
}
