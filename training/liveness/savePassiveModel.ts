import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sha256 } from '../../common/hashing.js';
import { PASSIVE_FILES, type PassiveModelMeta } from '../../model/liveness/passive/passiveModelFile.js';
import type { NetTensors } from '../../model/liveness/passive/passiveNet.js';

/** Writes the model's JSON (weights manifest + metadata) and weights; returns each file's sha256 for the model manifest. */
export async function savePassiveModel(
  dir: string,
  tensors: NetTensors,
  meta: PassiveModelMeta,
): Promise<{ path: string; sha256: string }[]> {
  mkdirSync(dir, { recursive: true });
  const names = Object.keys(tensors).sort();
  const { data, specs } = await tf.io.encodeWeights(Object.fromEntries(names.map((n) => [n, tensors[n] as tf.Tensor])));
  const weights = Buffer.from(data);
  const json = Buffer.from(
    `${JSON.stringify({ ...meta, weightsManifest: [{ paths: [PASSIVE_FILES.weights], weights: specs }] }, null, 2)}\n`,
  );
  const out: { path: string; sha256: string }[] = [];
  for (const [name, bytes] of [
    [PASSIVE_FILES.json, json],
    [PASSIVE_FILES.weights, weights],
  ] as const) {
    const file = join(dir, name);
    writeFileSync(`${file}.tmp`, bytes);
    renameSync(`${file}.tmp`, file);
    out.push({ path: file, sha256: sha256(bytes) });
  }
  return out;
}
