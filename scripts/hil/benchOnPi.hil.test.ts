import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../common/projectRoot.js';
import { hilSkipReason } from './hilEnvironment.js';

const skip = hilSkipReason();
const dir = mkdtempSync(join(tmpdir(), 'facelock-hil-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The bench on the Pi itself: each network's counted work and its time on a Pi core (what the x86 bench can only
 * estimate), per-stage latency and frame-to-decision. Printed for the closing notes; the figures are not asserted
 * (the machine is what is measured), only that every network ran on arm64 and every stage was timed.
 */
describe.skipIf(skip !== undefined)('hardware in the loop: the bench on a Raspberry Pi', () => {
  it('measures every network and the door loop on the Pi', () => {
    const json = join(dir, 'bench.json');
    const r = spawnSync(
      process.execPath,
      [
        join(projectRoot(), 'dist', 'scripts', 'bench', 'runBench.js'),
        '--no-peer',
        '--no-separation',
        '--idle-seconds',
        '10',
        '--json',
        json,
      ],
      { encoding: 'utf8', timeout: 900_000 },
    );
    console.log(r.stdout);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      networkWork: { arch: string; networks: { network: string; gflop: number; msHere: number }[] };
      approach: Record<string, { frames: number }>;
    };
    expect(report.networkWork.arch).toBe('arm64');
    expect(report.networkWork.networks.map((n) => n.network)).toEqual(['blazeface', 'facemesh', 'faceplugin', 'antispoof', 'liveness']);
    for (const n of report.networkWork.networks) expect(n.msHere).toBeGreaterThan(0);
    for (const a of Object.values(report.approach)) expect(a.frames).toBeGreaterThan(0);
  }, 960_000);
});
