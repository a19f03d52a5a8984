import type { Logger } from '../common/logger.js';
import { type BackendChoice, selectBackend } from './backend.js';
import { BlazefaceDetector } from './detector/blazeface.js';
import { createFaceRecognitionNet, DlibResnetEmbedder } from './embedder/dlibResnet.js';
import type { Embedder } from './embedder/embedder.js';
import { FaceresEmbedder } from './embedder/faceres.js';
import { FaceEngine } from './faceEngine.js';
import { FacemeshLandmarker } from './landmarks/facemesh.js';
import { loadPassiveModel } from './liveness/passive/passiveModelFile.js';
import { ShippedLivenessNet } from './liveness/shippedLiveness.js';
import { MODELS, type ModelName } from './manifest.js';
import { loadVerifiedGraphModel, loadVerifiedWeights } from './verifiedModelLoader.js';

/** The identity embedders the engine can run (the config's `engine.embedder`). */
export const EMBEDDERS = ['dlibResnet', 'faceres'] as const;
export type EmbedderName = (typeof EMBEDDERS)[number];

export interface EngineConfig {
  readonly backend: BackendChoice;
  readonly embedder: EmbedderName;
  /** Detector score threshold (0-1). */
  readonly minDetectionScore: number;
  readonly minMeshScore: number;
  readonly maxFaces: number;
  /** Folder holding every model file instead of their packages (used to test the integrity check). */
  readonly modelDir?: string;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  backend: 'auto',
  embedder: 'dlibResnet',
  minDetectionScore: 0.5,
  minMeshScore: 0.5,
  maxFaces: 10,
};

export interface LoadedEngine {
  readonly engine: FaceEngine;
  readonly loadMs: number;
}

/** The model files an engine with this config loads. */
export function engineModels(config: Pick<EngineConfig, 'embedder'>): ModelName[] {
  return ['blazeface', 'facemesh', config.embedder, 'antispoof', 'liveness', 'passiveLiveness'];
}

/** The sha256 of every model file of an engine with this config, by `package@version/path` (from the manifest). */
export function engineModelHashes(config: Pick<EngineConfig, 'embedder'>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of engineModels(config)) {
    const entry = MODELS[name];
    for (const f of entry.files) hashes[`${entry.package}@${entry.version}/${f.path}`] = f.sha256;
  }
  return hashes;
}

/** Selects the backend, then loads every model file after checking its sha256 against the manifest. */
export async function loadFaceEngine(config: EngineConfig, log: Logger): Promise<LoadedEngine> {
  const started = performance.now();
  const backend = await selectBackend(config.backend, log);
  const graphs = [
    'blazeface',
    'facemesh',
    'antispoof',
    'liveness',
    ...(config.embedder === 'faceres' ? ['faceres' as const] : []),
  ] as const;
  const loaded = await Promise.all(graphs.map((name) => loadVerifiedGraphModel(MODELS[name], config.modelDir)));
  const model = (name: ModelName) => {
    const found = loaded.find((l) => l.entry.name === name);
    if (!found) throw new Error(`model ${name} was not loaded`);
    return found.model;
  };
  let embedder: Embedder;
  if (config.embedder === 'faceres') {
    embedder = new FaceresEmbedder(model('faceres'));
  } else {
    const { weights } = await loadVerifiedWeights(MODELS.dlibResnet, config.modelDir);
    const net = createFaceRecognitionNet();
    net.loadFromWeightMap(weights);
    embedder = new DlibResnetEmbedder(net);
  }
  const hashes = engineModelHashes(config);
  const engine = new FaceEngine(
    {
      detector: new BlazefaceDetector(model('blazeface'), { minScore: config.minDetectionScore, maxFaces: config.maxFaces, maxIou: 0.3 }),
      landmarker: new FacemeshLandmarker(model('facemesh')),
      embedder,
      antispoof: new ShippedLivenessNet('antispoof', model('antispoof'), 128),
      liveness: new ShippedLivenessNet('liveness', model('liveness'), 32),
      passive: await loadPassiveModel(MODELS.passiveLiveness, config.modelDir),
    },
    { backend, modelHashes: hashes, minMeshScore: config.minMeshScore },
  );
  const loadMs = performance.now() - started;
  log.info('face engine loaded', { backend, embedder: embedder.name, ms: Math.round(loadMs) });
  return { engine, loadMs };
}
