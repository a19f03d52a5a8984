import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { DOOR_PAD_DIMENSIONS, DOOR_PAD_FEATURES } from '../../model/liveness/doorPadFeatures.js';
import { CALIBRATION_FORMAT, type DoorLivenessCalibration, loadOperatingCalibration } from './calibrationFile.js';

const hashes = { 'pkg@1/detector.onnx': 'aa', 'pkg@1/mesh.onnx': 'bb' };
const zeros = () => new Array<number>(DOOR_PAD_DIMENSIONS).fill(0);
const door = (over: Partial<DoorLivenessCalibration> = {}): DoorLivenessCalibration => ({
  features: DOOR_PAD_FEATURES,
  head: { model: { mean: zeros(), scale: zeros().map(() => 1), weights: zeros(), bias: 0.3 }, lambda: 0.01, temperature: 1.2 },
  threshold: 0.8,
  targetBpcer: 0.05,
  modelHashes: hashes,
  measured: {
    frame: { bpcer: { count: 1, of: 20 }, species: {} },
    approach: { bpcer: { count: 0, of: 4 }, species: {} },
    tooFew: [],
    recordings: {},
  },
  createdAt: '2026-12-03T00:00:00.000Z',
  ...over,
});
const file = (body: unknown) => {
  const f = join(mkdtempSync(join(tmpdir(), 'facelock-cal-')), 'calibration.json');
  writeFileSync(f, JSON.stringify(body));
  return f;
};

describe("the door's own liveness head in the calibration file", () => {
  it('is loaded from a file that holds nothing else (the face threshold then falls back to the default)', () => {
    const c = loadOperatingCalibration(file({ format: CALIBRATION_FORMAT, doorLiveness: door() }), 'faceplugin', hashes, silentLogger);
    expect(c.doorLiveness?.threshold).toBe(0.8);
    expect(c.threshold).toBeGreaterThan(0);
  });

  it('is refused when stale or damaged, naming the command that makes it again', () => {
    const load = (d: unknown) => () =>
      loadOperatingCalibration(file({ format: CALIBRATION_FORMAT, doorLiveness: d }), 'faceplugin', hashes, silentLogger);
    const redo = /run `facelock calibrate liveness --presentations DIR` again/;
    expect(load(door({ modelHashes: { ...hashes, 'pkg@1/mesh.onnx': 'cc' } }))).toThrow(/made for other model files \(pkg@1\/mesh.onnx\)/);
    expect(load(door({ modelHashes: { ...hashes, 'pkg@1/mesh.onnx': 'cc' } }))).toThrow(redo);
    expect(load(door({ features: 'colour-lbp64/0' as typeof DOOR_PAD_FEATURES }))).toThrow(/fitted on features colour-lbp64\/0/);
    expect(load(door({ threshold: 1 }))).toThrow(/damaged/);
    const short = door();
    expect(load({ ...short, head: { ...short.head, model: { ...short.head.model, weights: [1, 2] } } })).toThrow(redo);
  });
});
