import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import { datasetForTests } from '../../../test/datasets.js';
import { loadTestEngine } from '../../../test/engineForTests.js';
import { selectBackend } from '../../backend.js';
import { decodeImageFile } from '../../image/decodeImage.js';
import { MODELS } from '../../manifest.js';
import { loadPassiveModel } from './passiveModelFile.js';
import { CROP_SIDE } from './passiveNet.js';
import { foldedConv } from './passiveOnnx.js';

const nuaa = datasetForTests('nuaa', 'the passive liveness net on ONNX Runtime against tfjs on NUAA faces');

describe('the passive liveness net written as ONNX', () => {
  beforeAll(async () => {
    await selectBackend('wasm', silentLogger);
  });

  it('folds batch normalisation into the convolution and lays the kernel out as OIHW', () => {
    // 1 input channel, 2 outputs; kernel rows (dy, dx, channel): value = 10 * row + output
    const kernel = Float32Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 2) + (i % 2));
    const w = {
      'conv0/kernel': kernel,
      'bn0/gamma': Float32Array.of(2, 1),
      'bn0/beta': Float32Array.of(0.5, 0),
      'bn0/mean': Float32Array.of(1, 3),
      'bn0/variance': Float32Array.of(1 - 1e-3, 4 - 1e-3),
    };
    const { filter, bias } = foldedConv(w, 0, 1, 2);
    // output 0: scale 2 / sqrt(1) = 2; output 1: scale 1 / sqrt(4) = 0.5
    expect(Array.from(filter.slice(0, 9)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160]);
    expect(Array.from(filter.slice(9)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.5, 5.5, 10.5, 15.5, 20.5, 25.5, 30.5, 35.5, 40.5]);
    expect(Array.from(bias).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.5 - 2, -1.5]);
  });

  it.runIf(nuaa)('gives the shipped model the probabilities tfjs gives it, on live and printed faces', async () => {
    const engine = await loadTestEngine();
    const onnx = await loadPassiveModel(MODELS.passiveLiveness, undefined, { threads: 1 });
    const tfjs = await loadPassiveModel(MODELS.passiveLiveness);
    expect(onnx.session.runtime).toBe('onnxruntime');
    expect(tfjs.session.runtime).toBe('tfjs');
    const crops: number[] = [];
    for (const kind of ['ClientRaw', 'ImposterRaw']) {
      const root = join(nuaa as string, kind);
      for (const subject of readdirSync(root).sort().slice(0, 3)) {
        const file = join(root, subject, readdirSync(join(root, subject)).sort()[0] as string);
        const image = await decodeImageFile(file);
        const face = (await engine.analyze(image, { maxFaces: 1, embed: false })).faces[0];
        if (!face) continue;
        const crop = engine.livenessCrop(image, face, CROP_SIDE);
        for (const v of crop.data) crops.push(v / 255);
      }
    }
    const x = Float32Array.from(crops);
    expect(x.length / (CROP_SIDE * CROP_SIDE * 3)).toBeGreaterThanOrEqual(5);
    const a = await tfjs.probabilities(x);
    const b = await onnx.probabilities(x);
    expect(b.length).toBe(a.length);
    const worst = a.reduce((m, p, i) => Math.max(m, Math.abs(p - (b[i] ?? Number.NaN))), 0);
    expect(worst).toBeLessThan(1e-5);
    // and they are not all alike: live and printed faces get different scores
    expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(0.1);
    onnx.dispose();
    tfjs.dispose();
  });
});
