import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetForTests } from '../test/datasets.js';
import { runCli } from '../test/runCli.js';
import { smallLfw, smallNuaa } from '../test/smallDatasets.js';

const lfw = datasetForTests('lfw', 'facelock calibrate on lfw-dev');
const nuaa = datasetForTests('nuaa', 'facelock calibrate --attacks on nuaa-train');

interface Summary {
  experiment: string;
  metrics: Record<string, number | null>;
  report: string;
  calibrationFile: string | null;
}

const ready = lfw && nuaa;
let dir: string;
let pairs: string;
let attacks: string;
let base: string[];
const calibrate = (out: string, ...extra: string[]) =>
  runCli([...base, '--json', 'calibrate', '--pairs', pairs, '--out', join(dir, out), '--bootstrap', '50', '--workers', '2', ...extra], {
    timeoutMs: 110_000,
  });

beforeAll(async () => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-calibrate-'));
  pairs = await smallLfw(lfw as string, join(dir, 'lfw-small'));
  attacks = smallNuaa(nuaa as string, join(dir, 'nuaa-small'));
  base = ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];
  expect((await runCli([...base, 'key', 'init'])).code).toBe(0);
});
afterAll(() => {
  if (ready) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(ready)('facelock calibrate: error rates, determinism and the peer (real networks on lfw-dev and NUAA images)', () => {
  it('measures error rates, counts faceless images as failures to enrol, writes the report, the calibration file and the registry', async () => {
    const r = await calibrate('run1', '--attacks', attacks);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.experiment).toBe('exp-0001');
    expect(s.metrics.failedToEnrol).toBe(2); // Nobody_Here's two grey images
    expect(s.metrics.eer).toBeGreaterThanOrEqual(0);
    expect(s.metrics.eer).toBeLessThan(0.2);
    expect(s.metrics['tar@1e-3']).toBeGreaterThan(0.5);
    expect(s.metrics.kfoldAccuracy).toBeGreaterThan(0.7);
    expect(s.metrics.apcer).not.toBeNull();
    expect(s.metrics.bpcer).not.toBeNull();
    const html = readFileSync(s.report, 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(8); // ROC, DET, histograms, reliability, 5 condition bars, liveness DET
    expect(html).toMatch(/Failures to enrol \(no face found\): <b>2<\/b>/);
    expect(html).toMatch(/Nobody_Here_0001\.jpg/);
    expect(html).toMatch(/TAR at FAR 0\.00001<\/td><td>not resolvable/); // a few hundred impostor pairs cannot resolve 1e-5
    const json = JSON.parse(readFileSync(join(dir, 'run1', 'report.json'), 'utf8')) as { verification: { folds: unknown[] } };
    expect(json.verification.folds).toHaveLength(2);
    const cal = JSON.parse(readFileSync(s.calibrationFile as string, 'utf8')) as Record<string, unknown>;
    expect(cal).toMatchObject({ format: 'facelock-calibration/1', embedder: 'faceplugin', targetFar: 1e-4, fusion: { k: 3, n: 5 } });
    expect(Object.keys(cal.modelHashes as object).length).toBeGreaterThanOrEqual(10);
    // the liveness operating point it measured, for the door's model (texture by default)
    const liveness = cal.liveness as { model: string; threshold: number; frame: { bpcer: { count: number; of: number } } };
    expect(liveness).toMatchObject({ model: 'texture', part: expect.any(String), frame: { worstApcer: { of: expect.any(Number) } } });
    expect(liveness.threshold).toBeGreaterThan(0);
    expect(liveness.threshold).toBeLessThan(1);
    expect(liveness.frame.bpcer.of).toBeGreaterThan(0);
    // nothing biometric in the outputs; the feature cache is sealed
    for (const file of [s.report, join(dir, 'run1', 'report.json'), s.calibrationFile as string])
      expect(readFileSync(file, 'utf8')).not.toMatch(/embedding"?\s*[:=]\s*\[/);
    const cache = readFileSync(join(dir, 'state', 'feature-cache.enc'));
    expect(cache.subarray(0, 5).toString()).toBe('FLFC1');
    expect(cache.includes(Buffer.from('"found"'))).toBe(false);
  });

  it('gives the same numbers again from the encrypted cache (determinism), and the registry compares the runs', async () => {
    const r = await calibrate('run2', '--attacks', attacks);
    expect(r.code, r.stderr).toBe(0);
    const first = JSON.parse(readFileSync(join(dir, 'run1', 'report.json'), 'utf8'));
    const second = JSON.parse(readFileSync(join(dir, 'run2', 'report.json'), 'utf8'));
    expect(second.timing.computedImages).toBe(0);
    expect(second.timing.cachedImages).toBe(first.timing.computedImages);
    expect(second.verification).toEqual(first.verification);
    expect(second.liveness).toEqual(first.liveness);
    const list = await runCli([...base, 'experiments']);
    expect(list.stdout.trim().split('\n')).toHaveLength(3); // header + 2 runs
    // the door's FRR as the report heads with it (its own operating point) is there beside the per-frame one
    const [header, row] = list.stdout.split('\n').map((l) => l.split('\t'));
    expect(Number(row?.[header?.indexOf('doorTargetFrr') ?? -1])).toBeCloseTo(first.verification.doorAtTarget.frr, 4);
    const cmp = await runCli([...base, 'experiments', 'compare', 'exp-0001', 'exp-0002']);
    expect(cmp.code, cmp.stderr).toBe(0);
    expect(cmp.stdout).toMatch(/^eer\t[\d.]+\t[\d.]+\t0$/m);
    expect(cmp.stdout).toMatch(/made the same way/);
    const other = await calibrate('run3', '--seed', '2', '--no-cache');
    expect(other.code, other.stderr).toBe(0);
    const third = await runCli([...base, 'experiments', 'compare', 'exp-0001', 'exp-0003']);
    expect(third.stdout).toMatch(/made differently: .*seed: 1 vs 2/);
  });

  it('evaluates face-api.js the same way, as the peer', async () => {
    const r = await calibrate('peer', '--model', 'face-api');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.calibrationFile).toBeNull(); // the daemon runs facelock's networks only
    expect(s.metrics.eer).toBeGreaterThanOrEqual(0);
    expect(readFileSync(s.report, 'utf8')).toMatch(/face-api\.js 1\.7\.15/);
    // and at its best configuration, with its SSD detector
    const ssd = await calibrate('peer-ssd', '--model', 'face-api-ssd');
    expect(ssd.code, ssd.stderr).toBe(0);
    expect(readFileSync((JSON.parse(ssd.stdout) as Summary).report, 'utf8')).toMatch(/ssdMobilenetv1 \+ faceLandmark68Net/);
  });
});

describe.runIf(ready)('facelock calibrate: the calibration file the daemon loads, and bad data', () => {
  it('writes a calibration file the daemon loads, and refuses one edited for other models', async () => {
    const cal = join(dir, 'run1', 'calibration.json');
    const config = (file: string) => {
      const path = join(dir, 'daemon.yaml');
      writeFileSync(
        path,
        `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\ncamera: { kind: replay, source: ${join(pairs, 'images', 'Nobody_Here')}, framerate: 10 }\nlock: { driver: sim, simFile: ${join(dir, 'lock.jsonl')} }\ndecision: { calibrationFile: ${file} }\n`,
        { mode: 0o600 },
      );
      return path;
    };
    const ok = await runCli(['--log-level', 'info', 'run', '--config', config(cal)]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/calibration loaded .*threshold=0\.\d+/);
    expect(ok.stdout).toMatch(/liveness model="?texture [0-9a-f]{12}"? minLiveness=0\.\d+ thresholdFrom=calibration/);
    const badLiveness = JSON.parse(readFileSync(cal, 'utf8'));
    badLiveness.liveness.threshold = 1.5;
    writeFileSync(join(dir, 'bad-liveness.json'), JSON.stringify(badLiveness));
    const refusedLiveness = await runCli(['run', '--config', config(join(dir, 'bad-liveness.json'))]);
    expect(refusedLiveness.code).toBe(3);
    expect(refusedLiveness.stdout + refusedLiveness.stderr).toMatch(/its liveness threshold must be in \(0, 1\)/);
    const edited = JSON.parse(readFileSync(cal, 'utf8'));
    edited.modelHashes[Object.keys(edited.modelHashes)[0] as string] = '0'.repeat(64);
    writeFileSync(join(dir, 'foreign.json'), JSON.stringify(edited));
    const refused = await runCli(['run', '--config', config(join(dir, 'foreign.json'))]);
    expect(refused.code).toBe(3);
    expect(refused.stdout + refused.stderr).toMatch(/made for other model files .*run facelock calibrate again/);
    // a threshold or a target FAR no door should run at: refused, whatever the hashes say
    for (const [field, value, message] of [
      ['threshold', -0.5, /threshold -0\.5 is outside \[0\.2527, 1\) for faceplugin/],
      ['threshold', 0.2, /threshold 0\.2 is outside \[0\.2527, 1\)/],
      ['threshold', 1, /threshold 1 is outside/],
      ['targetFar', 0.5, /target FAR 0\.5 is outside \(0, 0\.01\]/],
    ] as const) {
      const out = JSON.parse(readFileSync(cal, 'utf8'));
      out[field] = value;
      writeFileSync(join(dir, 'bounds.json'), JSON.stringify(out));
      const r = await runCli(['run', '--config', config(join(dir, 'bounds.json'))]);
      expect(r.code).toBe(3);
      expect(r.stdout + r.stderr).toMatch(message);
    }
  });
});

describe.runIf(ready)('facelock calibrate: bounds of a door operating point, the embedder asked for, bad data', () => {
  it('writes no calibration file for a target FAR above 1e-2 (exit 4, the report still written), and calibrates the embedder asked for', async () => {
    const loose = await calibrate('loose', '--target-far', '0.05');
    expect(loose.code).toBe(4);
    expect(loose.stderr).toMatch(/no calibration file written: target FAR 0\.05 is outside \(0, 0\.01\]/);
    expect((JSON.parse(loose.stdout) as Summary).calibrationFile).toBeNull();
    expect(existsSync(join(dir, 'loose', 'report.html'))).toBe(true);
    expect(existsSync(join(dir, 'loose', 'calibration.json'))).toBe(false);
    // --embedder is a global option too: wherever it stands, the calibration is of that network
    const dlib = await calibrate('dlib', '--embedder', 'dlibResnet');
    expect(dlib.code, dlib.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'dlib', 'calibration.json'), 'utf8'))).toMatchObject({ embedder: 'dlibResnet' });
  });

  it('answers bad data with the line or file at fault and exit 4; no data at all is a usage error', async () => {
    const bad = join(dir, 'bad');
    await smallLfw(lfw as string, bad);
    const text = readFileSync(join(bad, 'pairs.txt'), 'utf8').split('\n');
    text[4] = 'Adam_Sandler\tone\t2';
    writeFileSync(join(bad, 'pairs.txt'), text.join('\n'));
    const malformed = await runCli([...base, 'calibrate', '--pairs', bad, '--out', join(dir, 'x')]);
    expect(malformed.code).toBe(4);
    expect(malformed.stderr).toMatch(/pairs\.txt:5: expected 'name n1 n2', got 'Adam_Sandler\tone\t2'/);
    text[4] = 'Adam_Sandler\t1\t77';
    writeFileSync(join(bad, 'pairs.txt'), text.join('\n'));
    const missing = await runCli([...base, 'calibrate', '--pairs', bad, '--out', join(dir, 'x')]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/pairs\.txt:5: images\/Adam_Sandler\/Adam_Sandler_0077\.jpg/);
    const empty = join(dir, 'empty-attacks');
    smallNuaa(nuaa as string, empty);
    writeFileSync(join(empty, 'imposter_train_raw.txt'), '\n');
    const noAttacks = await runCli([...base, 'calibrate', '--attacks', empty, '--out', join(dir, 'x')]);
    expect(noAttacks.code).toBe(4);
    expect(noAttacks.stderr).toMatch(/imposter_train_raw\.txt lists no images/);
    // every input is checked first: a broken attack folder is refused before any LFW feature is computed
    const noLists = join(dir, 'no-lists');
    mkdirSync(noLists, { recursive: true });
    const early = await runCli([...base, 'calibrate', '--pairs', pairs, '--attacks', noLists, '--no-cache', '--out', join(dir, 'x')]);
    expect(early.code).toBe(4);
    expect(early.stderr).toMatch(
      /is no presentation folder facelock knows: a NUAA folder holds client_train_raw\.txt and imposter_train_raw\.txt, a Replay-Attack folder videos\.csv/,
    );
    expect(early.stdout + early.stderr).not.toMatch(/lfw features/);
    const nothing = await runCli([...base, 'calibrate']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/--pairs DIR/);
    expect(existsSync(join(dir, 'x', 'report.html'))).toBe(false);
  });
});
