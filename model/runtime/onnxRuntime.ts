import { availableParallelism } from 'node:os';
import { ModelError } from '../../common/errors.js';
import type { Feeds, NamedTensor, NetworkSession } from './networkSession.js';
import { fastestLevel, layoutTransformsApply, type OptimizationChoice, type OptimizationLevel } from './onnxOptimization.js';

/** The part of onnxruntime-node facelock uses (loaded on first use: a machine without it still runs the tfjs nets). */
interface Ort {
  InferenceSession: {
    create(bytes: Uint8Array, options: Record<string, unknown>): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}
interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly inputMetadata: readonly { readonly name: string; readonly type?: string; readonly shape?: readonly (number | string)[] }[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, outputs?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OnnxOptions {
  /** Intra-op threads of each session (default: one per core). */
  readonly threads?: number;
  /**
   * Graph optimisation: `all` adds the layout transforms (NCHWc), `extended` stops before them; `auto` (default)
   * times both at load on x86-64 and keeps the faster per network (on an AVX2 Xeon `all` was faster for every
   * network: BlazeFace 7.6 vs 17.6 ms, FaceMesh 6.0 vs 8.8, MobileFaceNet 12.0 vs 17.5, fr_detect 2.4 vs 7.1; on an
   * AVX-512 one MobileFaceNet took 41 ms with it and 14.5 without), and takes `all` elsewhere.
   */
  readonly optimization?: OptimizationChoice;
  /**
   * Let the session's threads spin between runs. Off by default: with several sessions on two cores the spinning
   * threads of one network slowed the next (frame-to-decision 59 ms with the embedder spinning, 73 with the detector
   * too, 43 with none).
   */
  readonly spin?: boolean;
}

let ort: Promise<Ort> | undefined;
const loadOrt = (): Promise<Ort> => {
  ort ??= import('onnxruntime-node').then((m) => (m.default ?? m) as unknown as Ort);
  return ort;
};

/** An ONNX network on ONNX Runtime's native CPU kernels, created from bytes the verified loader has checked. */
export async function loadOnnxSession(name: string, bytes: Uint8Array, o: OnnxOptions = {}): Promise<NetworkSession> {
  const runtime = await loadOrt().catch((err: unknown) => {
    throw new ModelError('model_missing', `onnxruntime-node cannot be loaded for ${name}: run \`npm ci\` (${(err as Error).message})`, {
      cause: err,
    });
  });
  const threads = o.threads ?? availableParallelism();
  const create = (level: OptimizationLevel) =>
    runtime.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: level,
      executionMode: 'sequential',
      extra: { session: { 'intra_op.allow_spinning': o.spin ? '1' : '0' } },
    });
  const choice = o.optimization ?? 'auto';
  let session: OrtSession;
  let level: OptimizationLevel;
  try {
    if (choice === 'auto' && layoutTransformsApply()) {
      let feeds: Record<string, OrtTensor> | null | undefined;
      // a network whose inputs cannot be made up (not float32, unknown rank), or that refuses made-up ones, is not
      // timed: it keeps `all`, as before the timing existed
      const runOnce = async (s: OrtSession) => {
        if (feeds === undefined) feeds = probeFeeds(runtime, s);
        if (feeds)
          await s.run(feeds).catch(() => {
            feeds = null;
          });
      };
      ({ session, level } = await fastestLevel(['all', 'extended'], create, runOnce, (s) => s.release()));
    } else {
      level = choice === 'auto' ? 'all' : choice;
      session = await create(level);
    }
  } catch (err) {
    throw new ModelError('model_integrity', `ONNX Runtime cannot load ${name}: ${(err as Error).message}`, { cause: err });
  }
  return {
    name,
    runtime: 'onnxruntime',
    detail: level,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Feeds, outputs?: readonly string[]) {
      const inputs = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new runtime.Tensor('float32', t.data, t.dims)]));
      const result = await session.run(inputs, outputs);
      const out: Record<string, NamedTensor> = {};
      for (const [k, t] of Object.entries(result)) {
        if (!(t.data instanceof Float32Array)) throw new Error(`${name}: output ${k} is ${t.type}, not float32`);
        out[k] = { data: t.data, dims: t.dims };
      }
      return out;
    },
    dispose: () => session.release(),
  };
}

/** Feeds of the session's declared input shapes (a symbolic dimension taken as 1), for timing it; null if it has others. */
function probeFeeds(runtime: Ort, session: OrtSession): Record<string, OrtTensor> | null {
  const feeds: Record<string, OrtTensor> = {};
  for (const input of session.inputMetadata) {
    if (input.type !== 'float32' || !input.shape) return null;
    const dims = input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    feeds[input.name] = new runtime.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims);
  }
  return feeds;
}
