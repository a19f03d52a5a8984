import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { Feeds, NamedTensor, NetworkSession } from './networkSession.js';

/** A tfjs graph model (the nets that exist only as tfjs graphs: Human's) behind the runtime port. */
export function tfjsGraphSession(name: string, model: GraphModel): NetworkSession {
  const outputNames = model.outputs.map((o) => o.name);
  return {
    name,
    runtime: 'tfjs',
    inputNames: model.inputs.map((i) => i.name),
    outputNames,
    async run(feeds: Feeds, outputs: readonly string[] = outputNames) {
      const inputs = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, tf.tensor(t.data, [...t.dims], 'float32')]));
      let result: tf.Tensor[] = [];
      try {
        const out = model.execute(inputs, [...outputs]);
        result = Array.isArray(out) ? out : [out];
        return Object.fromEntries(await Promise.all(result.map(async (t, i) => [outputs[i] ?? String(i), await read(t)] as const)));
      } finally {
        tf.dispose([...Object.values(inputs), ...result]);
      }
    },
    dispose: async () => model.dispose(),
  };
}

/**
 * A network defined in code on tfjs (face-api's dlib net, facelock's own passive net) behind the same port: `forward`
 * gets the input tensors and returns the named outputs; the session disposes both.
 */
export function tfjsCodeSession(
  name: string,
  io: { readonly inputs: readonly string[]; readonly outputs: readonly string[] },
  forward: (inputs: Record<string, tf.Tensor>) => Promise<Record<string, tf.Tensor>> | Record<string, tf.Tensor>,
  dispose: () => void = () => {},
): NetworkSession {
  return {
    name,
    runtime: 'tfjs',
    inputNames: io.inputs,
    outputNames: io.outputs,
    async run(feeds: Feeds, outputs: readonly string[] = io.outputs) {
      const inputs = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, tf.tensor(t.data, [...t.dims], 'float32')]));
      let result: Record<string, tf.Tensor> = {};
      try {
        result = await forward(inputs);
        return Object.fromEntries(
          await Promise.all(
            outputs.map(async (k) => {
              const t = result[k];
              if (!t) throw new Error(`${name} returned no output ${k}`);
              return [k, await read(t)] as const;
            }),
          ),
        );
      } finally {
        tf.dispose([...Object.values(inputs), ...Object.values(result)]);
      }
    },
    dispose: async () => dispose(),
  };
}

async function read(t: tf.Tensor): Promise<NamedTensor> {
  const data = await t.data();
  return { data: data instanceof Float32Array ? data : Float32Array.from(data), dims: t.shape };
}
