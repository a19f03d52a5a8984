/** A tensor as networks exchange it: float32 values in row-major order and their shape. */
export interface NamedTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export type Feeds = Readonly<Record<string, NamedTensor>>;

/** The runtimes a network can run on: native ONNX Runtime kernels, or tfjs (WASM, else the pure-JS CPU backend). */
export type RuntimeName = 'onnxruntime' | 'tfjs';

/**
 * One loaded network behind the runtime port: named float tensors in, named float tensors out. Every network of the
 * engine runs through one of these, whatever executes it.
 */
export interface NetworkSession {
  readonly name: string;
  readonly runtime: RuntimeName;
  /** How the runtime runs it, for the engine's log (ONNX Runtime: the graph optimisation level it runs at). */
  readonly detail?: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the network; `outputs` picks outputs by name (default: all). */
  run(feeds: Feeds, outputs?: readonly string[]): Promise<Record<string, NamedTensor>>;
  dispose(): Promise<void>;
}

/** The one input of a single-input network, for its feeds. */
export function onlyInput(session: NetworkSession): string {
  const [input, ...more] = session.inputNames;
  if (!input || more.length > 0) throw new Error(`${session.name} has inputs ${session.inputNames.join(', ')}: name the one to feed`);
  return input;
}

/** An output of a run, refused with the network's name when it is missing. */
export function output(result: Record<string, NamedTensor>, name: string, network: string): NamedTensor {
  const t = result[name];
  if (!t) throw new Error(`${network} returned no output ${name} (it returned ${Object.keys(result).join(', ')})`);
  return t;
}
