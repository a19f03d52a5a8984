import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../common/hashing.js';
import { silentLogger } from '../../common/logger.js';
import { selectBackend } from '../../model/backend.js';
import { DEFAULT_NET, weightsHash } from '../../model/liveness/passive/passiveNet.js';
import { datasetForTests } from '../../test/datasets.js';
import { loadTestEngine } from '../../test/engineForTests.js';
import { DEFAULT_AUGMENT } from './augment.js';
import { disposeNet } from './hyperSearch.js';
import { extractSamples, type LivenessSample, listLivenessData, toCropSet } from './livenessData.js';
import { DEFAULT_TRAIN } from './trainingDefaults.js';
import { type CropSet, predictLogits, scoreLogits, trainPassiveNet } from './trainPassiveNet.js';

const nuaa = datasetForTests('nuaa', 'training the passive liveness net on NUAA crops');

describe.runIf(nuaa)('training the passive liveness net (real NUAA crops)', () => {
  let train: CropSet;
  let dev: CropSet;
  const hash = (b: Uint8Array) => sha256(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const options = { ...DEFAULT_TRAIN, net: DEFAULT_NET, augment: DEFAULT_AUGMENT, maxEpochs: 3, patience: 3 };

  beforeAll(async () => {
    await selectBackend('auto', silentLogger); // as `facelock train liveness` does: the engine itself starts no tfjs backend
    const listed = listLivenessData({ nuaa: nuaa as string, bonaFide: [], checks: [] });
    const pick = (part: string, attack: boolean, n: number) =>
      listed.samples
        .filter((s) => s.part === part && s.attack === attack)
        .filter((_, i) => i % 7 === 0)
        .slice(0, n);
    const engine = await loadTestEngine();
    const got = async (list: Omit<LivenessSample, 'crop'>[]) => toCropSet(await extractSamples(engine, list));
    train = await got([...pick('train', false, 32), ...pick('train', true, 32)]);
    dev = await got([...pick('dev', false, 12), ...pick('dev', true, 12)]);
  });

  it('gives the same weights for the same seed, and other weights for another seed', () => {
    const a = trainPassiveNet(train, dev, { ...options, seed: 5 });
    const b = trainPassiveNet(train, dev, { ...options, seed: 5 });
    const c = trainPassiveNet(train, dev, { ...options, seed: 6 });
    expect(weightsHash(a.params, hash)).toBe(weightsHash(b.params, hash));
    expect(a.history).toEqual(b.history);
    expect(weightsHash(c.params, hash)).not.toBe(weightsHash(a.params, hash));
    for (const n of [a, b, c]) disposeNet(n);
  });

  it('lowers its training loss, keeps the best dev epoch, and decays the learning rate', () => {
    const r = trainPassiveNet(train, dev, { ...options, maxEpochs: 6, patience: 6, learningRate: 3e-3, lrDecay: 0.5 });
    expect(r.history).toHaveLength(6);
    expect((r.history.at(-1)?.trainLoss ?? 1) < (r.history[0]?.trainLoss ?? 0)).toBe(true);
    expect(r.history[r.bestEpoch]?.devLoss).toBe(Math.min(...r.history.map((h) => h.devLoss)));
    expect(r.history[2]?.learningRate).toBeCloseTo(3e-3 * 0.25, 10);
    // the kept weights are the best epoch's: scoring dev again gives its loss
    const logits = predictLogits(r.params, DEFAULT_NET, dev);
    expect(scoreLogits(logits, dev.labels).loss).toBeCloseTo(r.devLoss, 4);
    disposeNet(r);
  });
});
