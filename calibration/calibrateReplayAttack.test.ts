import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetForTests } from '../test/datasets.js';
import { runCli } from '../test/runCli.js';

const ra = datasetForTests('replayAttack', 'calibrate --attacks on Replay-Attack');

describe.runIf(ra)('facelock calibrate --attacks on a Replay-Attack folder (real frames, the factory texture model)', () => {
  // made when the test runs, not when a skipped suite is collected
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'facelock-cal-ra-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the headline on the devel people and per species, per frame and per approach, for each part', async () => {
    // one train and one devel client of the shared folder, in its own layout (links to the frames, a smaller videos.csv)
    const lines = readFileSync(join(ra as string, 'videos.csv'), 'utf8')
      .trim()
      .split('\n');
    const kept = lines.slice(1).filter((l) => /^(train,[^,]+,001,|devel,[^,]+,003,)/.test(l));
    expect(kept.length).toBe(48);
    const folder = join(dir, 'ra');
    for (const l of kept) {
      const [split, video] = l.split(',') as [string, string];
      mkdirSync(join(folder, split), { recursive: true });
      symlinkSync(join(ra as string, split, video), join(folder, split, video));
    }
    writeFileSync(join(folder, 'videos.csv'), `${[lines[0], ...kept].join('\n')}\n`);
    const base = ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];
    expect((await runCli([...base, 'key', 'init'])).code).toBe(0);
    const r = await runCli([...base, 'calibrate', '--attacks', folder, '--out', join(dir, 'out'), '--no-cache', '--workers', '1']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /liveness on devel \(Replay-Attack: people and a camera the factory models were never trained on\): APCER [\d.]+%, BPCER [\d.]+% per frame .*\(100 attacks, 20 bona fide\)/,
    );
    for (const part of ['train', 'devel'])
      for (const level of ['frame', 'approach'])
        expect(r.stdout).toMatch(
          new RegExp(
            `${part} +per ${level} +APCER phone-photo .*APCER phone-video .*APCER print .*APCER tablet-photo .*APCER tablet-video .*; BPCER`,
          ),
        );
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as { liveness: { part: string; subjects: number } };
    expect(report.liveness.part).toBe('devel');
    expect(report.liveness.subjects).toBe(2);
  });
});
