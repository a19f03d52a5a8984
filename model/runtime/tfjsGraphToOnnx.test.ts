import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { datasetForTests } from '../../test/datasets.js';
import { selectBackend } from '../backend.js';
import { decodeImageFile } from '../image/decodeImage.js';
import { squareCropMap, warpAffine } from '../image/warpAffine.js';
import { MODELS, type ModelName } from '../manifest.js';
import { loadVerifiedGraphModel, readVerifiedGraphArtifacts } from '../verifiedModelLoader.js';
import { loadConvertedGraphSession } from './convertedGraphSession.js';
import type { NamedTensor } from './networkSession.js';
import { loadOnnxSession } from './onnxRuntime.js';
import { depthwiseToOihw, hwioToOihw, tfjsGraphToOnnx } from './tfjsGraphToOnnx.js';
import { tfjsGraphSession } from './tfjsSession.js';

const lfw = datasetForTests('lfw', "Human's graphs on ONNX Runtime against tfjs on lfw-dev faces");

/** Each graph's input side and scaling, and its outputs by the signature's names (the ONNX model's output names). */
const GRAPHS: { name: ModelName; side: number; scale: number; offset: number; outputs?: string[] }[] = [
  { name: 'blazeface', side: 256, scale: 1 / 127.5, offset: -1 },
  { name: 'facemesh', side: 192, scale: 1 / 255, offset: 0, outputs: ['output_mesh', 'output_faceflag'] },
  { name: 'antispoof', side: 128, scale: 1 / 255, offset: 0, outputs: ['activation_4'] },
  { name: 'liveness', side: 32, scale: 1 / 255, offset: 0, outputs: ['activation_6'] },
];

function maxAbs(t: NamedTensor): number {
  return t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

describe("Human's tfjs graphs written as ONNX", () => {
  beforeAll(async () => {
    await selectBackend('wasm', silentLogger);
  });

  it('lays TensorFlow filters out as ONNX expects (HWIO -> OIHW; depthwise HWCM -> (C*M)1HW)', () => {
    // a 1x2 filter, 2 in, 3 out: value = 100 * x + 10 * in + out
    const hwio = [0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112];
    expect(Array.from(hwioToOihw(hwio, [1, 2, 2, 3]))).toEqual([0, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112]);
    // a 1x2 depthwise filter, 2 channels, multiplier 2: value = 100 * x + 10 * channel + m
    const hwcm = [0, 1, 10, 11, 100, 101, 110, 111];
    expect(Array.from(depthwiseToOihw(hwcm, [1, 2, 2, 2]))).toEqual([0, 100, 1, 101, 10, 110, 11, 111]);
  });

  it('refuses an op it does not know, naming the node, instead of guessing', () => {
    const graph = {
      node: [
        { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: 1 }, { size: 4 }] } } } },
        { name: 'm', op: 'Mean', input: ['x', 'axes'] },
      ],
    };
    const weights = new Map([['axes', { data: Int32Array.of(1), shape: [1] }]]);
    expect(() => tfjsGraphToOnnx('toy', graph, undefined, weights)).toThrow(/toy: cannot convert node m \(Mean\): the op is not supported/);
  });

  it('refuses a model whose signature names an output the graph does not compute', () => {
    const graph = { node: [{ name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: 1 }, { size: 4 }] } } } }] };
    expect(() => tfjsGraphToOnnx('toy', graph, { outputs: { out: { name: 'nowhere:0' } } }, new Map())).toThrow(/output out names nowhere/);
  });

  it.runIf(lfw).each(GRAPHS)('$name computes on ONNX Runtime what it computes on tfjs, on real faces', async (g) => {
    const dir = join(lfw as string, 'images');
    const people = readdirSync(dir).sort().slice(0, 3);
    const onnx = await loadConvertedGraphSession(await readVerifiedGraphArtifacts(MODELS[g.name]), { threads: 1, optimization: 'all' });
    const tfjs = tfjsGraphSession(g.name, (await loadVerifiedGraphModel(MODELS[g.name])).model);
    expect(onnx.runtime).toBe('onnxruntime');
    expect(onnx.inputNames).toEqual(tfjs.inputNames);
    for (const person of people) {
      const image = await decodeImageFile(join(dir, person, `${person}_0001.jpg`));
      // the face region of a deep-funneled LFW photo, as each net's input
      const data = warpAffine(
        image,
        squareCropMap(125, 120, g.name === 'blazeface' ? 250 : 120, 0, g.side),
        g.side,
        g.side,
        g.scale,
        g.offset,
      );
      const feeds = { [onnx.inputNames[0] as string]: { data, dims: [1, g.side, g.side, 3] } };
      const a = await tfjs.run(feeds, g.outputs);
      const b = await onnx.run(feeds, g.outputs);
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const [name, t] of Object.entries(a)) {
        const o = b[name] as NamedTensor;
        expect(o.dims).toEqual(t.dims);
        const tolerance = 1e-5 * Math.max(1, maxAbs(t));
        const worst = t.data.reduce((m, v, i) => Math.max(m, Math.abs(v - (o.data[i] ?? Number.NaN))), 0);
        expect(worst, `${g.name} ${name} on ${person}`).toBeLessThan(tolerance);
      }
    }
    await onnx.dispose();
  });

  it('writes a model ONNX Runtime loads and runs (a hand-made two-op graph)', async () => {
    const graph = {
      node: [
        { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: -1 }, { size: 3 }] } } } },
        { name: 'k', op: 'Const' },
        { name: 'y', op: 'Mul', input: ['x', 'k'] },
        { name: 'z', op: 'Relu', input: ['y'] },
      ],
    };
    const weights = new Map([['k', { data: Float32Array.of(2, -1, 0.5), shape: [3] }]]);
    const s = await loadOnnxSession('toy', tfjsGraphToOnnx('toy', graph, undefined, weights), { threads: 1 });
    const out = await s.run({ x: { data: Float32Array.of(1, 1, 4, -1, 2, 2), dims: [2, 3] } });
    expect(Array.from(out.z?.data ?? [])).toEqual([2, 0, 2, 0, 0, 1]);
    expect(out.z?.dims).toEqual([2, 3]);
  });
});
