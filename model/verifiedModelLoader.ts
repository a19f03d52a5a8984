import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { io, type NamedTensorMap } from '@tensorflow/tfjs-core';
import { ModelError } from '../common/errors.js';
import { sha256 } from '../common/hashing.js';
import type { ModelEntry } from './manifest.js';
import { packageDir } from './packageFiles.js';

interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
  weightsManifest: WeightGroup[];
}

export interface LoadedModel {
  readonly entry: ModelEntry;
  readonly model: GraphModel;
  readonly bytes: number;
}

interface WeightGroup {
  paths: string[];
  weights: io.WeightsManifestEntry[];
}

/** Reads a file of the manifest and refuses it unless its sha256 matches. */
async function readVerified(dir: string, file: { path: string; sha256: string }, model: string): Promise<Buffer> {
  const full = join(dir, file.path);
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch (err) {
    throw new ModelError('model_missing', `model file ${full} (${model}) cannot be read: run \`npm ci\` to reinstall it`, {
      cause: err,
    });
  }
  const actual = sha256(bytes);
  if (actual !== file.sha256) {
    throw new ModelError(
      'model_integrity',
      `model file ${full} (${model}) failed its integrity check: sha256 ${actual} (${bytes.length} bytes), expected ${file.sha256}; the file is changed or truncated, run \`npm ci\` to restore it`,
    );
  }
  return bytes;
}

/** The bytes of a one-file model (ONNX), after its sha256 check: what a runtime session is created from. */
export async function readVerifiedModelFile(entry: ModelEntry, dirOverride?: string): Promise<Buffer> {
  const [file, ...more] = entry.files;
  if (!file || more.length > 0) throw new ModelError('model_missing', `manifest entry ${entry.name} must list exactly one file`);
  return readVerified(dirOverride ?? packageDir(entry.package, entry.version), file, entry.name);
}

/** A manifest entry's JSON file alone (its metadata), verified like every model file. */
export async function readVerifiedJson(entry: ModelEntry, dirOverride?: string): Promise<unknown> {
  const [jsonFile] = entry.files;
  if (!jsonFile) throw new ModelError('model_missing', `manifest entry ${entry.name} lists no files`);
  const bytes = await readVerified(dirOverride ?? packageDir(entry.package, entry.version), jsonFile, entry.name);
  return JSON.parse(bytes.toString('utf8')) as unknown;
}

/** Reads and verifies a manifest entry's JSON file and every weight shard it names, in order. */
async function readEntry(
  entry: ModelEntry,
  dirOverride?: string,
): Promise<{ json: unknown; groups: WeightGroup[]; weightData: ArrayBuffer }> {
  const dir = dirOverride ?? packageDir(entry.package, entry.version);
  const [jsonFile, ...shardFiles] = entry.files;
  if (!jsonFile) throw new ModelError('model_missing', `manifest entry ${entry.name} lists no files`);
  const jsonBytes = await readVerified(dir, jsonFile, entry.name);
  const json = JSON.parse(jsonBytes.toString('utf8')) as unknown;
  const groups = (Array.isArray(json) ? json : (json as ModelJson).weightsManifest) as WeightGroup[];
  const shards: Buffer[] = [];
  for (const shardPath of groups.flatMap((group) => group.paths)) {
    const file = shardFiles.find((f) => basename(f.path) === shardPath);
    if (!file) {
      throw new ModelError('model_integrity', `${join(dir, jsonFile.path)} names weight file ${shardPath}, which is not in the manifest`);
    }
    shards.push(await readVerified(dir, file, entry.name));
  }
  return { json, groups, weightData: concat(shards) };
}

/**
 * Loads a tfjs graph model from the files of its npm package, checking every file against the manifest first.
 * No network and no `file://` handler are involved: the bytes go to tfjs through `io.fromMemory`.
 */
export async function loadVerifiedGraphModel(entry: ModelEntry, dirOverride?: string): Promise<LoadedModel> {
  const { json: raw, groups, weightData } = await readEntry(entry, dirOverride);
  const json = raw as ModelJson;
  const artifacts: io.ModelArtifacts = {
    modelTopology: json.modelTopology as object,
    weightSpecs: groups.flatMap((group) => group.weights),
    weightData,
    ...(json.format !== undefined && { format: json.format }),
    ...(json.generatedBy !== undefined && { generatedBy: json.generatedBy }),
    ...(json.convertedBy !== undefined && json.convertedBy !== null && { convertedBy: json.convertedBy }),
    ...(json.signature !== undefined && { signature: json.signature as object }),
    ...(json.userDefinedMetadata !== undefined && { userDefinedMetadata: json.userDefinedMetadata as Record<string, object> }),
    ...(json.modelInitializer !== undefined && { modelInitializer: json.modelInitializer as object }),
  };
  const model = await loadGraphModel(io.fromMemory(artifacts));
  return { entry, model, bytes: weightData.byteLength };
}

/** A tfjs graph model's parts, verified, without building it on tfjs: what the ONNX conversion reads. */
export interface GraphArtifacts {
  readonly entry: ModelEntry;
  readonly topology: unknown;
  readonly signature: unknown;
  readonly weights: NamedTensorMap;
}

/** Reads and verifies a tfjs graph model's files and decodes its weights (float16 ones widened to float32). */
export async function readVerifiedGraphArtifacts(entry: ModelEntry, dirOverride?: string): Promise<GraphArtifacts> {
  const { json: raw, groups, weightData } = await readEntry(entry, dirOverride);
  const json = raw as ModelJson;
  if (json.format !== 'graph-model') throw new ModelError('model_integrity', `${entry.name} is no tfjs graph model`);
  const weights = io.decodeWeights(
    weightData,
    groups.flatMap((group) => group.weights),
  );
  return { entry, topology: json.modelTopology, signature: json.signature, weights };
}

/** Loads the named weight tensors of a network defined in code (face-api's format), verified like a graph model. */
export async function loadVerifiedWeights(
  entry: ModelEntry,
  dirOverride?: string,
): Promise<{ weights: NamedTensorMap; bytes: number; json: unknown }> {
  const { json, groups, weightData } = await readEntry(entry, dirOverride);
  return {
    json,
    weights: io.decodeWeights(
      weightData,
      groups.flatMap((group) => group.weights),
    ),
    bytes: weightData.byteLength,
  };
}

function concat(buffers: Buffer[]): ArrayBuffer {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(b, offset);
    offset += b.length;
  }
  return out.buffer;
}
