import { describeError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { type BackendChoice, ensureDecodingBackend, selectBackend } from './backend.js';
import { BlazefaceDetector, type FaceDetector } from './detector/blazeface.js';
import { FrDetector } from './detector/frDetect.js';
import { createFaceRecognitionNet, DlibResnetEmbedder } from './embedder/dlibResnet.js';
import type { Embedder } from './embedder/embedder.js';
import { FacepluginEmbedder } from './embedder/faceplugin.js';
import { FaceresEmbedder } from './embedder/faceres.js';
import { FaceEngine } from './faceEngine.js';
import { FacemeshLandmarker } from './landmarks/facemesh.js';
import { loadPassiveModel } from './liveness/passive/passiveModelFile.js';
import { ShippedLivenessNet } from './liveness/shippedLiveness.js';
import { loadTextureModel } from './liveness/texture/textureModelFile.js';
import { MODELS, type ModelEntry, type ModelName } from './manifest.js';
import { loadConvertedGraphSession } from './runtime/convertedGraphSession.js';
import type { NetworkSession } from './runtime/networkSession.js';
import { loadOnnxSession, type OnnxOptions } from './runtime/onnxRuntime.js';
import { tfjsGraphSession } from './runtime/tfjsSession.js';
import { loadVerifiedGraphModel, loadVerifiedWeights, readVerifiedGraphArtifacts, readVerifiedModelFile } from './verifiedModelLoader.js';

/** The identity embedders the engine can run (the config's `engine.embedder`). */
export const EMBEDDERS = ['faceplugin', 'dlibResnet', 'faceres'] as const;
export type EmbedderName = (typeof EMBEDDERS)[number];

/** The face detectors: Human's BlazeFace (tfjs), or faceplugin's fr_detect with its 68-point net (ONNX Runtime). */
export const DETECTORS = ['blazeface', 'frDetect'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/**
 * fr_detect's square box -> BlazeFace's box of the same face, in units of its side: medians over 400 lfw-dev images
 * both found (`node dist/scripts/bench/fitDetectorBoxes.js 400`: 10-90% of the scale 0.73-0.90, of the shift 0.05-0.13).
 */
export const FR_TO_BLAZEFACE_BOX = { dx: 0, dy: 0.094, scale: 0.797 } as const;

export interface EngineConfig {
  readonly backend: BackendChoice;
  readonly detector: DetectorName;
  readonly embedder: EmbedderName;
  /** Detector score threshold (0-1). */
  readonly minDetectionScore: number;
  readonly minMeshScore: number;
  readonly maxFaces: number;
  /** Folder holding every model file instead of their packages (used to test the integrity check). */
  readonly modelDir?: string;
  /** Intra-op threads of each ONNX Runtime session (default: one per core for the embedder, one for the small nets). */
  readonly threads?: number;
  /**
   * Where the networks made for tfjs run (Human's BlazeFace, FaceMesh, antispoof and liveness graphs, facelock's
   * passive net): written as ONNX and run on ONNX Runtime, or on tfjs (slower; for comparison).
   */
  readonly runtime: NetRuntime;
}

/** The runtimes the tfjs-made networks can run on (the config's `engine.runtime`). */
export const NET_RUNTIMES = ['onnxruntime', 'tfjs'] as const;
export type NetRuntime = (typeof NET_RUNTIMES)[number];

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  backend: 'auto',
  detector: 'blazeface',
  embedder: 'faceplugin',
  minDetectionScore: 0.5,
  minMeshScore: 0.5,
  maxFaces: 10,
  runtime: 'onnxruntime',
};

export interface LoadedEngine {
  readonly engine: FaceEngine;
  readonly loadMs: number;
}

/** The model files an engine with this config loads. */
export function engineModels(config: Pick<EngineConfig, 'embedder'> & Partial<Pick<EngineConfig, 'detector'>>): ModelName[] {
  const detector: ModelName[] = config.detector === 'frDetect' ? ['frDetect', 'frLandmark'] : ['blazeface'];
  return [...detector, 'facemesh', config.embedder, 'antispoof', 'liveness', 'passiveLiveness', 'textureLiveness'];
}

/** The sha256 of every model file of an engine with this config, by `package@version/path` (from the manifest). */
export function engineModelHashes(
  config: Pick<EngineConfig, 'embedder'> & Partial<Pick<EngineConfig, 'detector'>>,
): Record<string, string> {
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
  // the tfjs backend starts only if a network runs on tfjs (runtime tfjs, the dlib net, faceres). It is started before
  // the parallel loads: switching backends while other networks decode their weights fails ("Backend 'wasm' has not
  // yet been initialized"); only an unexpected conversion failure still starts it mid-load
  let tfjsBackend: Promise<string> | undefined;
  const tfjs = (): Promise<string> => {
    tfjsBackend ??= selectBackend(config.backend, log);
    return tfjsBackend;
  };
  if (config.runtime === 'tfjs' || config.embedder !== 'faceplugin') await tfjs();
  else await ensureDecodingBackend();
  const sessions = new Map<string, NetworkSession>();
  // Human's graphs are small: one thread runs them faster than two (BlazeFace 6.2 vs 8.2 ms, FaceMesh 3.9 vs 4.8 here,
  // `npm run bench -- --threads 1|2`) and leaves a core free; the embedder keeps one thread per core (8.4 vs 9.0 ms)
  const threads = config.threads === undefined ? { threads: 1 } : { threads: config.threads };
  const opened: Sessions = {
    graph: async (name) => {
      const s = await openGraph(MODELS[name], config, threads, log, tfjs);
      sessions.set(name, s);
      return s;
    },
    onnx: async (name, options) => {
      const s = await loadOnnxSession(name, await readVerifiedModelFile(MODELS[name], config.modelDir), options);
      sessions.set(name, s);
      return s;
    },
  };
  const [detector, landmarks, antispoof, liveness, embedder, passive, texture] = await Promise.all([
    loadDetector(config, opened),
    opened.graph('facemesh'),
    opened.graph('antispoof'),
    opened.graph('liveness'),
    loadEmbedder(config, opened),
    loadPassiveModel(MODELS.passiveLiveness, config.modelDir, config.runtime === 'onnxruntime' ? { threads: 1 } : undefined),
    loadTextureModel(MODELS.textureLiveness, config.modelDir),
  ]);
  const backend = tfjsBackend ? await tfjsBackend : 'none';
  const engine = new FaceEngine(
    {
      detector,
      landmarker: new FacemeshLandmarker(landmarks),
      embedder,
      antispoof: new ShippedLivenessNet('antispoof', antispoof, 128),
      liveness: new ShippedLivenessNet('liveness', liveness, 32),
      passive,
      texture,
    },
    { backend, modelHashes: engineModelHashes(config), minMeshScore: config.minMeshScore },
  );
  for (const s of [embedder.session, passive.session]) sessions.set(s.name, s);
  const loadMs = performance.now() - started;
  log.info('face engine loaded', {
    backend,
    embedder: embedder.name,
    runtimes: [...sessions.values()]
      .map((s) => `${s.name}=${s.runtime === 'tfjs' ? `tfjs ${backend}` : `${s.runtime}:${s.detail}`}`)
      .join(' '),
    ms: Math.round(loadMs),
  });
  return { engine, loadMs };
}

/**
 * One of Human's tfjs graphs: converted to ONNX and run on ONNX Runtime (`runtime: onnxruntime`), else on tfjs.
 * A file that fails its check is refused either way; a graph that cannot be converted or loaded by ONNX Runtime
 * falls back to tfjs (the same network, slower), and the log says which and why.
 */
async function openGraph(
  entry: ModelEntry,
  config: EngineConfig,
  threads: OnnxOptions,
  log: Logger,
  tfjs: () => Promise<string>,
): Promise<NetworkSession> {
  if (config.runtime === 'onnxruntime') {
    const artifacts = await readVerifiedGraphArtifacts(entry, config.modelDir);
    try {
      return await loadConvertedGraphSession(artifacts, threads);
    } catch (err) {
      log.warn('network falls back to tfjs: its ONNX conversion cannot run', { network: entry.name, error: describeError(err) });
    }
  }
  await tfjs();
  return tfjsGraphSession(entry.name, (await loadVerifiedGraphModel(entry, config.modelDir)).model);
}

/** Every session the engine opens goes through these, so that the log can say where each network runs. */
interface Sessions {
  graph(name: ModelName): Promise<NetworkSession>;
  onnx(name: ModelName, options: OnnxOptions): Promise<NetworkSession>;
}

/** The configured identity network, on ONNX Runtime where it is an ONNX file, else on tfjs. */
async function loadEmbedder(config: EngineConfig, open: Sessions): Promise<Embedder> {
  if (config.embedder === 'faceplugin')
    return new FacepluginEmbedder(await open.onnx('faceplugin', config.threads === undefined ? {} : { threads: config.threads }));
  if (config.embedder === 'faceres') return new FaceresEmbedder(await open.graph('faceres'));
  const { weights } = await loadVerifiedWeights(MODELS.dlibResnet, config.modelDir);
  const net = createFaceRecognitionNet();
  net.loadFromWeightMap(weights);
  return new DlibResnetEmbedder(net);
}

/** The configured face detector: BlazeFace (converted, or on tfjs), or fr_detect and fr_landmark on ONNX Runtime. */
async function loadDetector(config: EngineConfig, open: Sessions): Promise<FaceDetector> {
  const options = { minScore: config.minDetectionScore, maxFaces: config.maxFaces, maxIou: 0.3 };
  if (config.detector !== 'frDetect') return new BlazefaceDetector(await open.graph('blazeface'), options);
  // small nets: one thread runs them faster than two (2.7 vs 6.9 ms for fr_detect here) and leaves a core free
  const small = { threads: 1 } as const;
  const [detect, landmark] = await Promise.all([open.onnx('frDetect', small), open.onnx('frLandmark', small)]);
  return new FrDetector(detect, landmark, options, FR_TO_BLAZEFACE_BOX);
}
