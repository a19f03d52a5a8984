import { describe, expect, it } from 'vitest';
import { ModelError } from '../../common/errors.js';
import { MODELS } from '../manifest.js';
import { readVerifiedModelFile } from '../verifiedModelLoader.js';
import { onlyInput } from './networkSession.js';
import { loadOnnxSession } from './onnxRuntime.js';

describe('the ONNX Runtime adapter of the runtime port', () => {
  it('runs a verified ONNX network on named float tensors and returns named float tensors', async () => {
    const s = await loadOnnxSession('frDetect', await readVerifiedModelFile(MODELS.frDetect), { threads: 1 });
    expect(s.runtime).toBe('onnxruntime');
    const out = await s.run({ [onlyInput(s)]: { data: new Float32Array(3 * 240 * 320), dims: [1, 3, 240, 320] } });
    expect(out.scores?.dims).toEqual([1, 4420, 2]);
    expect(out.boxes?.dims).toEqual([1, 4420, 4]);
    // softmax over background and face for every prior
    const scores = out.scores?.data ?? new Float32Array();
    for (let i = 0; i < 10; i++) expect((scores[2 * i] ?? 0) + (scores[2 * i + 1] ?? 0)).toBeCloseTo(1, 5);
    await s.dispose();
  });

  it('answers bytes that are no ONNX model with a model error naming the network', async () => {
    const err = await loadOnnxSession('faceplugin', Buffer.from('not an onnx file')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(/ONNX Runtime cannot load faceplugin/);
    expect((err as ModelError).exitCode).toBe(5);
  });
});
