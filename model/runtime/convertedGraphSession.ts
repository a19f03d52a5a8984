import type { GraphArtifacts } from '../verifiedModelLoader.js';
import type { NetworkSession } from './networkSession.js';
import { loadOnnxSession, type OnnxOptions } from './onnxRuntime.js';
import { type TfjsGraph, type TfjsSignature, tfjsGraphToOnnx, type WeightTensor } from './tfjsGraphToOnnx.js';

/** The ONNX bytes of a verified tfjs graph model (converted in memory; nothing is written). */
export function convertGraphArtifacts(artifacts: GraphArtifacts): Uint8Array {
  const weights = new Map<string, WeightTensor>();
  for (const [name, t] of Object.entries(artifacts.weights)) {
    const data = t.dataSync();
    if (!(data instanceof Float32Array || data instanceof Int32Array))
      throw new Error(`${artifacts.entry.name}: weight ${name} is ${t.dtype}`);
    weights.set(name, { data, shape: t.shape });
  }
  return tfjsGraphToOnnx(artifacts.entry.name, artifacts.topology as TfjsGraph, artifacts.signature as TfjsSignature | undefined, weights);
}

/** A tfjs graph model run on ONNX Runtime's native kernels: converted from its verified files, then loaded. */
export async function loadConvertedGraphSession(artifacts: GraphArtifacts, options: OnnxOptions = {}): Promise<NetworkSession> {
  try {
    return await loadOnnxSession(artifacts.entry.name, convertGraphArtifacts(artifacts), options);
  } finally {
    for (const t of Object.values(artifacts.weights)) t.dispose();
  }
}
