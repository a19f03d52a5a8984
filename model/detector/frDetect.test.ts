import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetForTests } from '../../test/datasets.js';
import { decodeImage } from '../image/decodeImage.js';
import { FR_TO_BLAZEFACE_BOX } from '../loadFaceEngine.js';
import { MODELS } from '../manifest.js';
import { loadOnnxSession } from '../runtime/onnxRuntime.js';
import { readVerifiedModelFile } from '../verifiedModelLoader.js';
import { FrDetector, squareBox } from './frDetect.js';

const lfw = datasetForTests('lfw', 'fr_detect on lfw-dev photos');

async function detector(): Promise<FrDetector> {
  const onnx = async (name: 'frDetect' | 'frLandmark') => loadOnnxSession(name, await readVerifiedModelFile(MODELS[name]), { threads: 1 });
  return new FrDetector(
    await onnx('frDetect'),
    await onnx('frLandmark'),
    { minScore: 0.65, maxFaces: 4, maxIou: 0.3 },
    FR_TO_BLAZEFACE_BOX,
  );
}

describe('the faceplugin detector (fr_detect + fr_landmark on ONNX Runtime)', () => {
  it('squares a box on its height, centred, clamped to the image', () => {
    expect(squareBox({ x: 40, y: 20, width: 60, height: 80 }, { width: 250, height: 250 })).toEqual({
      x: 30,
      y: 20,
      width: 80,
      height: 80,
    });
    expect(squareBox({ x: 0, y: 200, width: 40, height: 80 }, { width: 250, height: 250 })).toEqual({
      x: 0,
      y: 200,
      width: 60,
      height: 49,
    });
  });

  it.runIf(lfw)('finds the one face of an lfw-dev photo with its eyes level and in place, and none on a grey image', async () => {
    const d = await detector();
    const image = await decodeImage(readFileSync(join(lfw as string, 'images', 'Laura_Bush', 'Laura_Bush_0001.jpg')), 'laura');
    const [face, ...others] = await d.detect(image);
    expect(others).toEqual([]);
    expect(face?.score).toBeGreaterThan(0.9);
    // LFW photos are centred on the face: the box centre near (125, 125), about 80-120 px wide
    const box = face?.box ?? { x: 0, y: 0, width: 0, height: 0 };
    expect(Math.abs(box.x + box.width / 2 - 125)).toBeLessThan(20);
    expect(box.width).toBeGreaterThan(60);
    expect(box.width).toBeLessThan(140);
    const [rightEye, leftEye, nose, mouth] = face?.keypoints ?? [];
    expect(rightEye?.[0]).toBeLessThan(leftEye?.[0] ?? 0);
    expect(Math.abs((rightEye?.[1] ?? 0) - (leftEye?.[1] ?? 0))).toBeLessThan(10);
    expect(nose?.[1]).toBeGreaterThan(rightEye?.[1] ?? 0);
    expect(mouth?.[1]).toBeGreaterThan(nose?.[1] ?? 0);
    const grey = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(128) };
    expect(await d.detect(grey)).toEqual([]);
  });
});
