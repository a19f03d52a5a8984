import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../common/errors.js';
import { silentLogger } from '../common/logger.js';
import { DEFAULT_ENGINE_CONFIG, engineModels, loadFaceEngine } from './loadFaceEngine.js';
import { MODELS } from './manifest.js';
import { packageDir } from './packageFiles.js';
import { loadVerifiedGraphModel, loadVerifiedWeights, readVerifiedModelFile } from './verifiedModelLoader.js';

/** A copy of every model file of the default engine and of the dlib net, laid out as in their packages. */
function copyModels(): string {
  const dir = mkdtempSync(join(tmpdir(), 'facelock-models-'));
  for (const name of [...engineModels(DEFAULT_ENGINE_CONFIG), 'dlibResnet' as const]) {
    const entry = MODELS[name];
    for (const f of entry.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      copyFileSync(join(packageDir(entry.package), f.path), join(dir, f.path));
    }
  }
  return dir;
}

async function failure(p: Promise<unknown>): Promise<ModelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

describe('model integrity check', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyModels();
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('loads the whole engine from intact copies and reports the hash of every file it checked', async () => {
    const { engine } = await loadFaceEngine({ ...DEFAULT_ENGINE_CONFIG, modelDir: dir }, silentLogger);
    const files = engineModels(DEFAULT_ENGINE_CONFIG).flatMap((n) => MODELS[n].files);
    expect(Object.values(engine.info.modelHashes).sort()).toEqual(files.map((f) => f.sha256).sort());
  });

  it('refuses a weight file with one changed byte, naming the file', async () => {
    const bin = join(dir, 'models/blazeface.bin');
    const bytes = readFileSync(bin);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0x01;
    writeFileSync(bin, bytes);
    const err = await failure(loadVerifiedGraphModel(MODELS.blazeface, dir));
    expect(err.code).toBe('model_integrity');
    expect(err.message).toContain(bin);
    expect(err.message).toMatch(/changed or truncated/);
    // the engine refuses to start on it too
    await failure(loadFaceEngine({ ...DEFAULT_ENGINE_CONFIG, modelDir: dir }, silentLogger));
  });

  it('refuses a truncated weights file of the recognition net, naming the file', async () => {
    const bin = join(dir, 'model/face_recognition_model.bin');
    truncateSync(bin, 1024);
    const err = await failure(loadVerifiedWeights(MODELS.dlibResnet, dir));
    expect(err.code).toBe('model_integrity');
    expect(err.message).toContain(bin);
    expect(err.message).toContain('(1024 bytes)');
  });

  it('refuses a truncated ONNX file of the default embedder, naming the file, before ONNX Runtime sees it', async () => {
    const onnx = join(dir, 'model/fr_feature.onnx');
    truncateSync(onnx, 4096);
    const err = await failure(readVerifiedModelFile(MODELS.faceplugin, dir));
    expect(err.code).toBe('model_integrity');
    expect(err.message).toContain(onnx);
    expect(err.message).toContain('(4096 bytes)');
    await failure(loadFaceEngine({ ...DEFAULT_ENGINE_CONFIG, modelDir: dir }, silentLogger));
  });

  it('says which file is missing and how to restore it', async () => {
    rmSync(join(dir, 'models/facemesh.json'));
    const err = await failure(loadVerifiedGraphModel(MODELS.facemesh, dir));
    expect(err.code).toBe('model_missing');
    expect(err.message).toContain(join(dir, 'models/facemesh.json'));
    expect(err.message).toContain('npm ci');
  });
});
