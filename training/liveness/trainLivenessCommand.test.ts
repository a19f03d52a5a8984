import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExperiments } from '../../common/experimentRegistry.js';
import { sha256 } from '../../common/hashing.js';
import { silentLogger } from '../../common/logger.js';
import { selectBackend } from '../../model/backend.js';
import { loadPassiveModel, PASSIVE_FILES } from '../../model/liveness/passive/passiveModelFile.js';
import { loadTextureModel, TEXTURE_FILE } from '../../model/liveness/texture/textureModelFile.js';
import type { ModelEntry } from '../../model/manifest.js';
import { datasetForTests } from '../../test/datasets.js';
import { runCli } from '../../test/runCli.js';

const nuaa = datasetForTests('nuaa', 'facelock train liveness on a small NUAA folder');

const ready = nuaa;
let dir: string;
let data: string;

beforeAll(() => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-train-'));
  data = join(dir, 'nuaa');
  // four subjects (the fourth is the dev part), a few frames of each kind: a NUAA-format folder of links
  for (const [list, folder] of [
    ['client_train_raw.txt', 'ClientRaw'],
    ['imposter_train_raw.txt', 'ImposterRaw'],
  ] as const) {
    const lines = readFileSync(join(nuaa as string, list), 'utf8')
      .split('\n')
      .filter((l) => /^000[1-4]\//.test(l))
      .filter((_, i) => i % 9 === 0);
    for (const l of lines) {
      mkdirSync(dirname(join(data, folder, l)), { recursive: true });
      symlinkSync(join(nuaa as string, folder, l), join(data, folder, l));
    }
    writeFileSync(join(data, list), `${lines.join('\n')}\n`);
  }
});
afterAll(() => {
  if (ready) rmSync(dir, { recursive: true, force: true });
});

/** The texture model the trainer wrote loads verified, scores a crop, and is refused once changed. */
async function expectTextureModelVerified(out: string, sha: string): Promise<void> {
  const entry: ModelEntry = {
    name: 'textureLiveness',
    package: 'facelock',
    version: 'test',
    format: 'json',
    files: [{ path: TEXTURE_FILE, sha256: sha }],
    input: 'test',
    output: 'test',
  };
  const texture = await loadTextureModel(entry, out);
  expect(texture.meta.side).toBe(160);
  const p = texture.probabilityOfCrop(new Float32Array(160 * 160 * 3).map((_, i) => (i * 37) % 251));
  expect(p).toBeGreaterThan(0);
  expect(p).toBeLessThan(1);
  writeFileSync(join(out, TEXTURE_FILE), readFileSync(join(out, TEXTURE_FILE), 'utf8').replace('"bias":', '"bias":1+'));
  await expect(loadTextureModel(entry, out)).rejects.toThrow(/texture-liveness\.json .*failed its integrity check/);
}

describe.runIf(ready)('facelock train liveness (real process, small NUAA-format folder)', () => {
  it('trains, writes the model with its sha256, the report and one registry entry per trial, and the model loads verified', async () => {
    const out = join(dir, 'model');
    const registry = join(dir, 'experiments.jsonl');
    const r = await runCli(
      [
        '--state-dir',
        join(dir, 'state'),
        'train',
        'liveness',
        '--attacks',
        data,
        '--coarse',
        '2',
        '--coarse-epochs',
        '1',
        '--fine',
        '1',
        '--epochs',
        '2',
        '--no-curve',
        '--out',
        out,
        '--report',
        join(dir, 'report'),
        '--registry',
        registry,
      ],
      { timeoutMs: 600_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dev +frame +APCER .*BPCER .*trained/);
    expect(r.stdout).toMatch(/dev +approach +APCER .*fused: trained \+ active \(optional\)/);
    expect(r.stdout).toMatch(/dev +frame +APCER .*texture \(LBP\)/);
    expect(r.stdout).toMatch(/texture: 160 px crop, L2 [\d.e-]+, temperature [\d.]+, threshold 0\.\d+ for BPCER 0\.05 on NUAA dev/);
    const files = [PASSIVE_FILES.json, PASSIVE_FILES.weights].map((f) => ({ path: f, sha256: sha256(readFileSync(join(out, f))) }));
    for (const f of files) expect(r.stdout).toContain(`${f.sha256}  ${join(out, f.path)}`);
    const textureHash = sha256(readFileSync(join(out, TEXTURE_FILE)));
    expect(r.stdout).toContain(`${textureHash}  ${join(out, TEXTURE_FILE)}`);
    await expectTextureModelVerified(out, textureHash);
    // 2 coarse + 1 fine trial, the saved net and the texture model
    const trials = readExperiments(registry);
    expect(trials.map((t) => t.kind)).toEqual(Array(5).fill('train-liveness'));
    expect(trials.at(-2)?.modelHash).toBe(files[1]?.sha256);
    expect(trials.at(-1)?.modelHash).toBe(textureHash);
    expect(trials.at(-1)?.model).toMatch(/texture/);
    expect(readFileSync(join(dir, 'report', 'report.html'), 'utf8')).toMatch(/Learning curve[\s\S]*APCER[\s\S]*Trials/);

    await selectBackend('auto', silentLogger);
    const entry: ModelEntry = {
      name: 'passiveLiveness',
      package: 'facelock',
      version: 'test',
      format: 'weights',
      files,
      input: 'test',
      output: 'test',
    };
    const model = await loadPassiveModel(entry, out);
    const p = await model.probabilities(new Float32Array(2 * 48 * 48 * 3).fill(0.5));
    expect(p).toHaveLength(2);
    expect(p[0]).toBeGreaterThanOrEqual(0);
    expect(p[0]).toBeLessThanOrEqual(1);
    model.dispose();

    // one changed byte in the weights: refused, naming the file
    const weights = readFileSync(join(out, PASSIVE_FILES.weights));
    weights[10] = (weights[10] as number) ^ 1;
    writeFileSync(join(out, PASSIVE_FILES.weights), weights);
    await expect(loadPassiveModel(entry, out)).rejects.toThrow(/passive-liveness\.bin .*failed its integrity check/);
  });
});

describe.runIf(ready)('facelock train liveness: a folder that is not NUAA-format', () => {
  it('says what is wrong with a folder that is not NUAA-format', async () => {
    const r = await runCli(['--state-dir', join(dir, 'state'), 'train', 'liveness', '--attacks', join(dir, 'nothing-here')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/client_train_raw\.txt is missing/);
  });
});
