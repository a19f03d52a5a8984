import { readFileSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DatasetError, ModelError } from '../common/errors.js';
import { sha256 } from '../common/hashing.js';
import type { BackendChoice } from '../model/backend.js';
import type { DetectorName, EmbedderName } from '../model/loadFaceEngine.js';
import type { FeatureCache } from './featureCache.js';
import type { FeatureRequest, FeatureWorkerData, WorkerMessage } from './featureWorker.js';
import { type EvaluatedModel, type ImageFeatures, modelHashOf } from './imageFeatures.js';

export interface PoolOptions {
  readonly model: EvaluatedModel;
  readonly backend: BackendChoice;
  readonly embedder: EmbedderName;
  readonly detector: DetectorName;
  /** Worker threads; default: one per core, as many as memory allows (about 400 MB each). */
  readonly workers?: number;
  readonly liveness: boolean;
  /** Every image turned grey first (the camera's luma, as an infrared or monochrome camera sees it). */
  readonly grey?: boolean;
  readonly cache?: FeatureCache;
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly cached: number;
  readonly etaSeconds: number | undefined;
}

export interface PoolResult {
  readonly features: ImageFeatures[];
  /** sha256 of every image, in the order given (the data manifest). */
  readonly imageHashes: string[];
  readonly modelHash: string;
  readonly cached: number;
  readonly workers: number;
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(freemem() / 400e6)));
}

/**
 * Features of every image, computed once: cached ones come from the encrypted cache, the rest from worker threads
 * that each load the networks and take one image at a time (so a slow image never holds up the others).
 */
export async function extractFeatures(files: readonly string[], o: PoolOptions): Promise<PoolResult> {
  const modelHash = modelHashOf(o.model, o.embedder, o.detector);
  // grey features are other features of the same image: their own cache entries
  const cacheKey = o.grey ? `${modelHash}:grey` : modelHash;
  const bytes = files.map((f) => {
    try {
      return readFileSync(f);
    } catch (err) {
      throw new DatasetError(`cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  });
  const imageHashes = bytes.map((b) => sha256(b));
  const features: (ImageFeatures | undefined)[] = imageHashes.map((h) => o.cache?.get(cacheKey, h, o.liveness));
  const todo = features.flatMap((f, i) => (f ? [] : [i]));
  const cached = files.length - todo.length;
  let done = cached;
  const workers = Math.min(todo.length, o.workers ?? defaultWorkers());
  // the rate is measured from the first image computed, once every worker has given a few: the workers' start
  // (each loads the networks) is not work per image, and counting it made the first ETA several times too long
  let firstAt: number | undefined;
  const report = () => {
    const computed = done - cached;
    const now = performance.now();
    if (computed === 1) firstAt = now;
    const rate = firstAt !== undefined && computed > 2 * workers ? (computed - 1) / ((now - firstAt) / 1000) : undefined;
    o.onProgress?.({ done, total: files.length, cached, etaSeconds: rate ? (files.length - done) / rate : undefined });
  };
  report();
  if (todo.length > 0) {
    let next = 0;
    await Promise.all(
      Array.from({ length: workers }, () =>
        runWorker(
          o,
          (worker) => {
            const i = todo[next++];
            if (i === undefined) return undefined;
            const b = bytes[i] as Buffer;
            const req: FeatureRequest = {
              id: i,
              name: files[i] as string,
              bytes: new Uint8Array(b),
              liveness: o.liveness,
              grey: o.grey ?? false,
            };
            worker.postMessage(req);
            return i;
          },
          (id, f) => {
            features[id] = f;
            o.cache?.set(cacheKey, imageHashes[id] as string, f);
            if ((o.cache?.unsaved ?? 0) >= 500) o.cache?.save();
            done++;
            report();
          },
        ),
      ),
    );
  }
  o.cache?.save();
  return { features: features as ImageFeatures[], imageHashes, modelHash, cached, workers };
}

/** One worker: waits for it to load, then feeds it images until none are left. */
function runWorker(
  o: PoolOptions,
  send: (w: Worker) => number | undefined,
  receive: (id: number, f: ImageFeatures) => void,
): Promise<void> {
  const data: FeatureWorkerData = { model: o.model, backend: o.backend, embedder: o.embedder, detector: o.detector };
  const worker = new Worker(new URL('./featureWorker.js', import.meta.url), { workerData: data });
  return new Promise<void>((resolve, reject) => {
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      void worker.terminate();
      if (err) reject(err);
      else resolve();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'fatal')
        return finish(new ModelError('model_missing', `a calibration worker could not load the networks: ${m.message}`));
      if (m.type === 'result') receive(m.id, m.features);
      if (m.type === 'failed') receive(m.id, { found: false, error: m.message });
      if (send(worker) === undefined) finish();
    });
    worker.on('error', (err) => finish(err));
    worker.on('exit', (code) => finish(code === 0 ? undefined : new Error(`a calibration worker exited with code ${code}`)));
  });
}
