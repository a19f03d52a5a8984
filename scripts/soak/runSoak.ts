import { parseArgs } from 'node:util';
import { cameraFaults } from './cameraFaults.js';
import { fuzzInputs } from './fuzzInputs.js';
import { killDaemonDuringUnlock } from './killDaemonDuringUnlock.js';
import { killDuringWrites } from './killDuringWrites.js';
import type { PhaseResult } from './soakWorld.js';

/**
 * The fault-injection suite: `npm run soak` (the long run, by hand) or `npm run soak -- --short` (what CI runs).
 * Prints each phase as it ends and a JSON summary last; exits 1 when any invariant broke. The long run holds the
 * door's time limits (relay inactive within 1 s of the daemon's death, camera back within 3 s); the short one, on a
 * CI machine busy with other tests, only that it happens (within 5 s and 10 s) and reports the times.
 */
const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const short = values.short;
const PHASES: Record<string, () => Promise<PhaseResult>> = {
  writes: () => killDuringWrites({ kills: short ? 24 : 1000, seed, addShare: short ? 0.05 : 0.1 }),
  daemon: () => killDaemonDuringUnlock({ cycles: short ? 3 : 60, seed, limitMs: short ? 5000 : 1000 }),
  camera: () => cameraFaults({ faults: short ? 4 : 100, seed, limitMs: short ? 10_000 : 3000 }),
  fuzz: () =>
    fuzzInputs(
      short
        ? { jpeg: 150, mjpeg: 100, configs: 150, mqtt: 100, daemonFrames: 40, seed }
        : { jpeg: 3000, mjpeg: 2000, configs: 2500, mqtt: 2000, daemonFrames: 500, seed },
    ),
};
const chosen = values.only ? values.only.split(',') : Object.keys(PHASES);
const results: PhaseResult[] = [];
for (const name of chosen) {
  const phase = PHASES[name];
  if (!phase) {
    process.stderr.write(`soak: no phase ${name} (phases: ${Object.keys(PHASES).join(', ')})\n`);
    process.exit(2);
  }
  const t = performance.now();
  const r = await phase();
  results.push(r);
  const times = Object.entries(r.times).map(([k, v]) => `${k} median ${v.median} worst ${v.worst}`);
  process.stderr.write(
    `soak ${name}: ${r.phase}: ${Object.entries(r.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}; ${times.join('; ')}; ${Math.round((performance.now() - t) / 1000)} s; ${r.broken.length === 0 ? 'nothing broken' : `BROKEN:\n  ${r.broken.join('\n  ')}`}\n`,
  );
}
process.stdout.write(`${JSON.stringify({ short, seed, results })}\n`);
process.exit(results.some((r) => r.broken.length > 0) ? 1 : 0);
