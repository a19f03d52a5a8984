import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../common/hashing.js';
import { seededRandom } from '../../common/seededRandom.js';
import { LBP_FEATURES } from '../../model/liveness/texture/lbpFeatures.js';
import { checkedTextureMeta, TEXTURE_FILE } from '../../model/liveness/texture/textureModelFile.js';
import type { LivenessSample, SamplePart } from './livenessData.js';
import { pickTextureModel, saveTextureModel } from './trainTextureModel.js';

/** Samples whose first feature carries the label (with noise) and the rest is noise: a learnable, imperfect texture cue. */
function samples(): LivenessSample[] {
  const r = seededRandom(5);
  const out: LivenessSample[] = [];
  const parts: [SamplePart, number][] = [
    ['train', 200],
    ['bona-fide', 60],
    ['dev', 100],
    ['bona-fide-dev', 40],
    ['new-day', 50],
  ];
  for (const [part, n] of parts) {
    for (let i = 0; i < n; i++) {
      const attack = part.startsWith('bona-fide') ? false : r() < 0.5;
      const texture = Float32Array.from({ length: LBP_FEATURES }, () => r());
      texture[0] = (attack ? 0 : 1) + 0.6 * (r() - 0.5);
      out.push({ file: `${part}-${i}.jpg`, part, attack, subject: 's', crop: new Float32Array(1), texture });
    }
  }
  return out;
}

describe('the texture model: fitted on train, chosen and calibrated on dev', () => {
  const all = samples();
  const pick = pickTextureModel(all, { side: 160, lambdas: [1e-2, 1, 100], targetBpcer: 0.05 });

  it('keeps the L2 strength with the lowest dev loss, and its threshold holds the target BPCER on NUAA dev live frames', () => {
    const best = pick.trials.reduce((a, b) => (b.devLoss < a.devLoss ? b : a));
    expect(pick.trials.map((t) => t.lambda)).toEqual([1e-2, 1, 100]);
    expect(best.lambda).not.toBe(100); // 100 flattens the model: its dev loss is near chance
    const devLive = all.filter((s) => s.part === 'dev' && !s.attack);
    const rejected = devLive.filter((s) => (pick.probability.get(s) as number) < pick.meta.threshold).length;
    expect(rejected / devLive.length).toBeLessThanOrEqual(0.05);
    // and on held-out data it separates the classes
    const held = all.filter((s) => s.part === 'new-day');
    const p = (s: LivenessSample) => pick.probability.get(s) as number;
    const live = held.filter((s) => !s.attack);
    const attacks = held.filter((s) => s.attack);
    const ordered = live.flatMap((l) => attacks.map((a) => (p(l) > p(a) ? 1 : 0))).reduce<number>((x, y) => x + y, 0);
    expect(ordered / (live.length * attacks.length)).toBeGreaterThan(0.9); // AUC on held-out samples
  });

  it('writes a file the door accepts, with the hash the trainer reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facelock-texture-'));
    try {
      const saved = saveTextureModel(dir, { ...pick.meta, training: { note: 'test' } });
      const bytes = readFileSync(join(dir, TEXTURE_FILE));
      expect(saved.sha256).toBe(sha256(bytes));
      const meta = checkedTextureMeta(JSON.parse(bytes.toString('utf8')), TEXTURE_FILE);
      expect(meta.threshold).toBe(pick.meta.threshold);
      const broken = { ...meta, model: { ...meta.model, weights: meta.model.weights.slice(1) } };
      expect(() => checkedTextureMeta(broken, TEXTURE_FILE)).toThrow(/must hold 590 finite means/);
      expect(() => checkedTextureMeta({ ...meta, format: 'other' as never }, TEXTURE_FILE)).toThrow(
        /is not a facelock-texture-liveness\/1 model/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
