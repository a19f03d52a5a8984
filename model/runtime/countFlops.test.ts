import { describe, expect, it } from 'vitest';
import { MODELS } from '../manifest.js';
import { readVerifiedModelFile } from '../verifiedModelLoader.js';
import { countFlops } from './countFlops.js';
import { encodeOnnxModel } from './onnxProto.js';

const zeros = (n: number) => new Float32Array(n);

describe('countFlops', () => {
  it('counts a convolution, a depthwise one, a matrix product and a Gemm from the shapes they run with', async () => {
    const bytes = encodeOnnxModel(
      {
        name: 'tiny',
        nodes: [
          { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], attributes: { pads: [1, 1, 1, 1] } },
          { op: 'Conv', inputs: ['c1', 'w2'], outputs: ['c2'], attributes: { pads: [1, 1, 1, 1], group: 4 } },
          { op: 'Relu', inputs: ['c2'], outputs: ['r'] },
          { op: 'Reshape', inputs: ['r', 'flat'], outputs: ['f'] },
          { op: 'MatMul', inputs: ['f', 'm'], outputs: ['h'] },
          { op: 'Gemm', inputs: ['h', 'g'], outputs: ['y'] },
        ],
        initializers: [
          { name: 'w1', dims: [4, 3, 3, 3], data: zeros(108) },
          { name: 'w2', dims: [4, 1, 3, 3], data: zeros(36) },
          { name: 'flat', dims: [2], data: BigInt64Array.from([1n, 256n]) },
          { name: 'm', dims: [256, 10], data: zeros(2560) },
          { name: 'g', dims: [10, 5], data: zeros(50) },
        ],
        inputs: [{ name: 'x', dims: [1, 3, 8, 8] }],
        outputs: [{ name: 'y', dims: [1, 5] }],
      },
      13,
      'facelock-test',
    );
    const c = await countFlops('tiny', bytes, { x: [1, 3, 8, 8] });
    // 2 x outputs x (inputs per group x kernel): 2*256*27, 2*256*9; 2*10*256; 2*5*10
    expect(c.byOp).toEqual({ Conv: 13_824 + 4_608, MatMul: 5_120, Gemm: 100 });
    expect(c.flops).toBe(23_652);
    expect(c).toMatchObject({ counted: 4, notCounted: 2 });
  });

  it('counts faceplugin’s MobileFaceNet at its published 221 M multiply-adds on a 112x112 face', async () => {
    const bytes = await readVerifiedModelFile(MODELS.faceplugin);
    const { flops } = await countFlops('faceplugin', bytes, { input: [1, 3, 112, 112] });
    // Chen et al., MobileFaceNets (2018), table 1: 221 M MAdds; the 512-d head adds a little
    expect(flops / 2 / 1e6).toBeGreaterThan(215);
    expect(flops / 2 / 1e6).toBeLessThan(235);
  });
});
