import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetForTests } from '../test/datasets.js';
import { runCli } from '../test/runCli.js';
import { smallLfw } from '../test/smallDatasets.js';

const lfw = datasetForTests('lfw', "facelock calibrate --grey: the grey camera's operating point on lfw-dev faces turned grey");
const yale = datasetForTests('yale', 'facelock calibrate --grey-faces on Yale');
const ready = lfw && yale;
let dir: string;
let pairs: string;
let base: string[];

beforeAll(async () => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-grey-'));
  pairs = await smallLfw(lfw as string, join(dir, 'lfw-small'));
  base = ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];
  expect((await runCli([...base, 'key', 'init'])).code).toBe(0);
});
afterAll(() => {
  if (ready) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(ready)("facelock calibrate --grey: a grey camera's own operating point (real networks, real grey faces)", () => {
  it('measures the same pairs turned grey and Yale by light, writes the grey threshold the daemon then uses', async () => {
    const out = join(dir, 'grey');
    const r = await runCli(
      [
        ...base,
        '--json',
        'calibrate',
        '--pairs',
        pairs,
        '--grey',
        '--grey-faces',
        yale as string,
        '--out',
        out,
        '--bootstrap',
        '20',
        '--workers',
        '2',
      ],
      { timeoutMs: 240_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const g = report.grey;
    expect(g.verification.pooled.impostorPairs).toBe(report.verification.pooled.impostorPairs);
    expect(g.colourThresholdOnGrey.threshold).toBe(report.verification.operating.threshold);
    expect(g.colourThresholdOnGrey.far).toBeGreaterThanOrEqual(0);
    expect(g.sets).toHaveLength(1);
    const yaleRates = g.sets[0];
    expect(yaleRates).toMatchObject({ name: 'yale', people: 15, images: 164 });
    // the colour threshold, the grey pairs' own, and the written one when Yale asked for a stricter one
    const named = yaleRates.byThreshold.map((t: { threshold: string }) => t.threshold);
    expect(named.slice(0, 2)).toEqual(['colour', 'grey pairs']);
    expect(named.length).toBe(g.chosen.from === 'yale' ? 3 : 2);
    const conditions = yaleRates.byThreshold[0].rows.map((row: { condition: string }) => row.condition).sort();
    expect(conditions).toEqual([
      'ambient light (expressions, glasses)',
      'light from the front',
      'light from the left',
      'light from the right',
    ]);
    const left = yaleRates.byThreshold[0].rows.find((row: { condition: string }) => row.condition === 'light from the left');
    expect(left.genuine).toBe(15);
    // each left-lit probe (one per person) against every picture of the 14 others: 15 x 164 minus their own 164
    expect(left.impostorPairs).toBe(15 * 164 - 164);
    const cal = JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8'));
    expect(cal.grey).toMatchObject({ cameraMode: 'grey', threshold: g.chosen.threshold, targetFar: 1e-4 });
    // the strictest threshold of the grey data: the pairs turned grey, or Yale's own pairs when they resolve the FAR
    expect(g.chosen.threshold).toBeGreaterThanOrEqual(g.verification.operating.threshold);
    if (yaleRates.ownOperatingPoint.resolvable) expect(g.chosen.threshold).toBeGreaterThanOrEqual(yaleRates.ownOperatingPoint.threshold);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Grey camera (infrared or monochrome): its own operating point');
    expect(html).toContain('Yale Face Database (Belhumeur et al. 1997)');
    expect(html).not.toContain('NUAA'); // nothing cited that was not used
    expect(JSON.parse(r.stdout).metrics.greyThreshold).toBe(g.chosen.threshold);
    const plain = await runCli([...base, 'calibrate', '--pairs', pairs, '--grey', '--out', join(dir, 'grey-plain'), '--bootstrap', '20']);
    expect(plain.stdout).toMatch(/grey camera: threshold 0\.\d{4} \(from the pairs turned grey\); the faces turned grey: TAR/);
  });

  it('the daemon loads the grey threshold and says it judges grey frames at it', async () => {
    const out = join(dir, 'grey');
    const cal = JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8'));
    const config = join(dir, 'door.yaml');
    writeFileSync(
      config,
      `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\ncamera: { kind: replay, source: ${join(pairs, 'images', 'Nobody_Here')}, framerate: 10 }\nlock: { driver: sim, simFile: ${join(dir, 'lock.jsonl')} }\ndecision: { calibrationFile: ${join(out, 'calibration.json')} }\n`,
      { mode: 0o600 },
    );
    const run = await runCli(['--log-level', 'info', 'run', '--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`grey=${cal.grey.threshold.toFixed(4)} greyFrom=calibration`);
  });
});

describe.runIf(ready)('facelock calibrate --grey: bad grey data', () => {
  it('refuses --grey-faces without --grey, and a folder that is not a grey face set', async () => {
    const alone = await runCli([
      ...base,
      'calibrate',
      '--pairs',
      pairs,
      '--grey-faces',
      yale as string,
      '--out',
      join(dir, 'x'),
      '--no-cache',
    ]);
    expect(alone.code).toBe(4);
    expect(alone.stderr).toMatch(/--grey-faces measures the grey operating point: give --grey with it/);
    const wrong = await runCli([
      ...base,
      'calibrate',
      '--pairs',
      pairs,
      '--grey',
      '--grey-faces',
      pairs,
      '--out',
      join(dir, 'x'),
      '--no-cache',
    ]);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/has neither Yale files .* nor ORL folders/);
  });
});
