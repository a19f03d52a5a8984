import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { datasetDir } from '../../common/datasets.js';
import { silentLogger } from '../../common/logger.js';
import { meshBoxMapping } from '../../model/detector/meshTrack.js';
import { cosine } from '../../model/embedder/embedder.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import type { Face } from '../../model/faceTypes.js';
import { decodeImageFile } from '../../model/image/decodeImage.js';
import type { RgbImage } from '../../model/image/rgbImage.js';
import { DEFAULT_ENGINE_CONFIG, loadFaceEngine } from '../../model/loadFaceEngine.js';

/**
 * Fits MESH_TO_BLAZEFACE_BOX (model/detector/meshTrack.ts) on the lfw-dev people of even index, then measures tracking
 * against detection: on the odd-index people's images (the face followed from its own mesh, once and five times over),
 * and on NUAA's frame sequences (each frame's face followed into the next frame of its session, which NUAA keeps one
 * in three of: more motion than a 15 fps camera gives), live and printed-photo frames apart.
 * `node dist/scripts/bench/fitMeshTrack.js [lfw images per half]`
 */
const quantile = (v: readonly number[], q: number) => [...v].sort((a, b) => a - b)[Math.floor(q * (v.length - 1))] ?? Number.NaN;
const r4 = (v: number) => Math.round(v * 10000) / 10000;

async function detected(engine: FaceEngine, image: RgbImage): Promise<Face | undefined> {
  return (await engine.analyze(image, { embed: false, maxFaces: 1 })).faces[0];
}

/** How a face followed by the tracker compares with the same frame's detected face. */
class Agreement {
  readonly cos: number[] = [];
  readonly live: number[] = [];
  lost = 0;
  bothMissed = 0;
  detectorMissed = 0;

  async add(engine: FaceEngine, image: RgbImage, tracked: Face | undefined, reference: Face | undefined): Promise<void> {
    if (!tracked && !reference) this.bothMissed++;
    else if (!tracked) this.lost++;
    else if (!reference) this.detectorMissed++;
    else {
      this.cos.push(cosine(await engine.embed(image, tracked), await engine.embed(image, reference)));
      this.live.push(Math.abs((await engine.liveProbability(image, tracked)) - (await engine.liveProbability(image, reference))));
    }
  }

  summary() {
    return {
      compared: this.cos.length,
      lost: this.lost,
      detectorMissedTrackerFound: this.detectorMissed,
      bothMissed: this.bothMissed,
      embeddingCosine: { p01: r4(quantile(this.cos, 0.01)), p05: r4(quantile(this.cos, 0.05)), median: r4(quantile(this.cos, 0.5)) },
      textureLiveAbsDiff: { median: r4(quantile(this.live, 0.5)), p95: r4(quantile(this.live, 0.95)) },
    };
  }
}

function lfwHalves(limit: number): { fit: string[]; test: string[] } {
  const lfw = datasetDir('lfw');
  if (!lfw) throw new Error('lfw-dev is not on this machine (../shared/datasets)');
  const people = readdirSync(join(lfw, 'images')).sort();
  const files = (parity: number) =>
    people
      .filter((_, i) => i % 2 === parity)
      .flatMap((p) => readdirSync(join(lfw, 'images', p)).map((f) => join(lfw, 'images', p, f)))
      .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / limit)) === 0)
      .slice(0, limit);
  return { fit: files(0), test: files(1) };
}

async function fitMapping(engine: FaceEngine, files: readonly string[]) {
  const m = { dx: [] as number[], dy: [] as number[], scaleW: [] as number[], scaleH: [] as number[] };
  for (const file of files) {
    const face = await detected(engine, await decodeImageFile(file));
    if (!face) continue;
    const one = meshBoxMapping(face.landmarks, { box: face.detectionBox, score: face.detectionScore, keypoints: face.keypoints });
    for (const k of ['dx', 'dy', 'scaleW', 'scaleH'] as const) m[k].push(one[k]);
  }
  const of = (v: number[]) => ({ median: r4(quantile(v, 0.5)), p10: r4(quantile(v, 0.1)), p90: r4(quantile(v, 0.9)) });
  return { faces: m.dx.length, dx: of(m.dx), dy: of(m.dy), scaleW: of(m.scaleW), scaleH: of(m.scaleH) };
}

async function ownMesh(engine: FaceEngine, files: readonly string[]) {
  const once = new Agreement();
  const fiveTimes = new Agreement();
  for (const file of files) {
    const image = await decodeImageFile(file);
    const face = await detected(engine, image);
    if (!face) continue;
    let tracked = await engine.track(image, face);
    await once.add(engine, image, tracked, face);
    for (let i = 1; i < 5 && tracked; i++) tracked = await engine.track(image, tracked);
    await fiveTimes.add(engine, image, tracked, face);
  }
  return { once: once.summary(), fiveTimes: fiveTimes.summary() };
}

/** NUAA sessions (ID_glasses_pos_session) in frame order. */
function nuaaSequences(kind: 'ClientRaw' | 'ImposterRaw'): { file: string; n: number }[][] {
  const nuaa = datasetDir('nuaa');
  if (!nuaa) throw new Error('nuaa-train is not on this machine (../shared/datasets)');
  const sessions = new Map<string, { file: string; n: number }[]>();
  for (const subject of readdirSync(join(nuaa, kind)).sort()) {
    for (const f of readdirSync(join(nuaa, kind, subject))) {
      const parts = f.replace('.jpg', '').split('_');
      const key = `${subject}/${parts.slice(0, 4).join('_')}`;
      sessions.set(key, [...(sessions.get(key) ?? []), { file: join(nuaa, kind, subject, f), n: Number(parts[4]) }]);
    }
  }
  return [...sessions.values()].map((s) => s.sort((a, b) => a.n - b.n));
}

/** NUAA's frames were taken at about 20 fps (Tan et al.): a gap of up to 15 picture numbers is within 0.75 s. */
const NEAR = 15;

async function nextFrame(engine: FaceEngine, kind: 'ClientRaw' | 'ImposterRaw') {
  const near = new Agreement();
  const far = new Agreement();
  for (const seq of nuaaSequences(kind)) {
    let previous: { face: Face | undefined; n: number } | undefined;
    for (const { file, n } of seq) {
      const image = await decodeImageFile(file);
      const reference = await detected(engine, image);
      if (previous?.face)
        await (n - previous.n <= NEAR ? near : far).add(engine, image, await engine.track(image, previous.face), reference);
      previous = { face: reference, n };
    }
  }
  return { [`within${NEAR}Frames`]: near.summary(), further: far.summary() };
}

async function main(): Promise<void> {
  const { engine } = await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger);
  const { fit: fitFiles, test } = lfwHalves(Number(process.argv[2] ?? 500));
  const report = {
    fitted: { on: `${fitFiles.length} lfw-dev images, even-index people`, ...(await fitMapping(engine, fitFiles)) },
    ownMesh: { on: `${test.length} lfw-dev images, odd-index people`, ...(await ownMesh(engine, test)) },
    nuaaNextFrame: { live: await nextFrame(engine, 'ClientRaw'), print: await nextFrame(engine, 'ImposterRaw') },
  };
  console.log(JSON.stringify(report, null, 1));
}

await main();
