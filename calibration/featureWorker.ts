import { parentPort, workerData } from 'node:worker_threads';
import { silentLogger } from '../common/logger.js';
import type { BackendChoice } from '../model/backend.js';
import { DEFAULT_ENGINE_CONFIG, type DetectorName, type EmbedderName, loadFaceEngine } from '../model/loadFaceEngine.js';
import { type EvaluatedModel, type FeatureExtractor, faceApiExtractor, facelockExtractor } from './imageFeatures.js';

/** What the pool sends a worker: one image's bytes. */
export interface FeatureRequest {
  readonly id: number;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly liveness: boolean;
  /** Turn the image grey (luma) before anything sees it. */
  readonly grey: boolean;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly modelHash: string; readonly description: string }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly features: import('./imageFeatures.js').ImageFeatures }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

export interface FeatureWorkerData {
  readonly model: EvaluatedModel;
  readonly backend: BackendChoice;
  readonly embedder: EmbedderName;
  readonly detector: DetectorName;
}

const port = parentPort;
if (!port) throw new Error('featureWorker runs as a worker thread');
const data = workerData as FeatureWorkerData;
const post = (m: WorkerMessage) => port.postMessage(m);

let extractor: FeatureExtractor;
try {
  extractor =
    data.model === 'facelock'
      ? facelockExtractor(
          (
            await loadFaceEngine(
              {
                ...DEFAULT_ENGINE_CONFIG,
                backend: data.backend,
                embedder: data.embedder,
                detector: data.detector,
                threads: 1,
              } /* one worker per core: one thread each */,
              silentLogger,
            )
          ).engine,
        )
      : await faceApiExtractor(data.backend, data.model);
  post({ type: 'ready', modelHash: extractor.modelHash, description: extractor.description });
} catch (err) {
  post({ type: 'fatal', message: (err as Error).message });
  process.exit(1);
}

// one image at a time: the pool sends the next request when this one is answered
port.on('message', async (req: FeatureRequest) => {
  try {
    const features = await extractor.features(
      Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength),
      req.name,
      req.liveness,
      req.grey,
    );
    post({ type: 'result', id: req.id, features });
  } catch (err) {
    post({ type: 'failed', id: req.id, message: (err as Error).message });
  }
});
