import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceEngine } from '../../model/faceEngine.js';
import { decodeImage } from '../../model/image/decodeImage.js';
import { datasetForTests } from '../../test/datasets.js';
import { loadTestEngine } from '../../test/engineForTests.js';
import { parseConfig } from '../config/loadConfig.js';
import { buildDoorPipeline } from './buildDoorPipeline.js';
import type { DoorTemplate } from './doorStages.js';
import { FaceTracker } from './faceTracker.js';

const nuaa = datasetForTests('nuaa', 'face tracking on NUAA frame sequences');

/**
 * `n` live frames of a NUAA session in picture order, from its fifth on (NUAA keeps one in three of its ~20 fps
 * frames, so its faces move more between frames than at 15 fps; from the fifth, this one's client sits still).
 */
function session(client: string, prefix: string, n: number): Buffer[] {
  const dir = join(nuaa as string, 'ClientRaw', client);
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .sort((a, b) => Number(a.split('_')[4]?.replace('.jpg', '')) - Number(b.split('_')[4]?.replace('.jpg', '')));
  return files.slice(4, 4 + n).map((f) => readFileSync(join(dir, f)));
}

let engine: FaceEngine;
beforeAll(async () => {
  engine = await loadTestEngine();
});

describe.runIf(nuaa)('the door follows an accepted face into the next frames (NUAA live frames)', () => {
  const run = async (trackFrames: number, frames: readonly Buffer[], stranger?: Buffer) => {
    const config = parseConfig({ motion: { holdMs: 60_000 }, engine: { trackFrames } }, 'test');
    const first = (await engine.analyze(await decodeImage(frames[0] as Buffer, 'first'), { maxFaces: 1 })).faces[0];
    if (!first?.embedding) throw new Error('no face on the first frame');
    const templates: DoorTemplate[] = [{ userId: 1, userName: 'client', embedding: first.embedding }];
    const tracker = new FaceTracker(config.engine);
    const pipeline = buildDoorPipeline(
      engine,
      config,
      () => templates,
      { colour: 0.42, grey: 0.46, greyCamera: false },
      Date.now,
      undefined,
      tracker,
    );
    const seen: { ok: boolean; reason?: string; tracked: boolean; score?: number }[] = [];
    let at = 1_000_000;
    const sequence = stranger ? [...frames, stranger, ...frames] : frames;
    for (const [i, data] of sequence.entries()) {
      at += 66; // 15 fps
      const r = await pipeline.run({ frame: { data, timestamp: at, seq: i } });
      // the door service keeps a face it accepted: matched, and live by the door's model
      if (r.ok && r.value.liveness >= engine.liveThreshold) tracker.keep(r.value.face, at);
      seen.push({
        ok: r.ok,
        ...(r.ok ? {} : { reason: r.reason }),
        tracked: r.value.face?.tracked === true,
        ...(r.value.best ? { score: r.value.best.score } : {}),
      });
    }
    return seen;
  };

  it('detects, follows two frames, detects again; matches the enrolled client on every frame', async () => {
    const frames = session('0001', '0001_00_00_01', 7);
    const seen = await run(2, frames);
    expect(seen.map((s) => s.tracked)).toEqual([false, true, true, false, true, true, false]);
    expect(seen.every((s) => s.ok)).toBe(true);
    for (const s of seen) expect(s.score).toBeGreaterThan(0.6);
  });

  it('detects the frame after a stranger (no match), and every frame with tracking off', async () => {
    const frames = session('0001', '0001_00_00_01', 2);
    const stranger = session('0004', '0004_01_00_01', 1)[0];
    const seen = await run(2, frames, stranger);
    // the stranger's frame follows an accepted one: followed there, not matched, and nothing is kept from it
    expect(seen[2]).toMatchObject({ ok: false, reason: 'no_match' });
    expect(seen[3]).toMatchObject({ ok: true, tracked: false });
    expect(seen[4]).toMatchObject({ ok: true, tracked: true });
    const off = await run(0, frames);
    expect(off.map((s) => s.tracked)).toEqual([false, false]);
  });
});
