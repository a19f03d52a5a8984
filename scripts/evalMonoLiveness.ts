/**
 * The door's liveness models on mono frames (issue 18: a Pi NoIR camera under infrared gives grey pictures): every
 * NUAA image scored as it is and turned grey (the same luma the camera's `--saturation 0` gives) through the same
 * engine, at each model's shipped threshold, per part of the frozen subject-and-session split, per frame and per
 * approach (k of n consecutive frames); the live faces of the grey datasets (ORL, Yale: never NUAA's camera); and a
 * candidate fusion of the two models (the sum of their logits).
 * Usage: npm run build && node dist/scripts/evalMonoLiveness.js [--k 3 --n 5]
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readAttackDataset } from '../calibration/attackData.js';
import { padRatesByPart, type ScoredPresentation } from '../calibration/padRatesByPart.js';
import { formatProportion, proportion } from '../calibration/presentationAttackRates.js';
import { nuaaPartOf, nuaaSplit } from '../calibration/splitManifest.js';
import { datasetDir } from '../common/datasets.js';
import { silentLogger } from '../common/logger.js';
import type { FaceEngine } from '../model/faceEngine.js';
import { decodeImageFile } from '../model/image/decodeImage.js';
import type { RgbImage } from '../model/image/rgbImage.js';
import { DEFAULT_ENGINE_CONFIG, loadFaceEngine } from '../model/loadFaceEngine.js';
import { thresholdForBpcer } from '../training/liveness/livenessEvaluation.js';

const { values } = parseArgs({ options: { k: { type: 'string', default: '3' }, n: { type: 'string', default: '5' } } });
const rule = { k: Number(values.k), n: Number(values.n) };

/** R = G = B = BT.601 luma, rounded as an 8-bit mono sensor would give it. */
function grey(image: RgbImage): RgbImage {
  const d = Uint8Array.from(image.data);
  for (let i = 0; i < d.length; i += 3) {
    const y = Math.round(0.299 * (d[i] as number) + 0.587 * (d[i + 1] as number) + 0.114 * (d[i + 2] as number));
    d[i] = y;
    d[i + 1] = y;
    d[i + 2] = y;
  }
  return { ...image, data: d };
}

type Scores = { texture: number; passive: number } | undefined;

async function scores(engine: FaceEngine, image: RgbImage): Promise<Scores> {
  const face = (await engine.analyze(image, { maxFaces: 1, embed: false, liveness: true })).faces[0];
  return face?.live === undefined || face.passive === undefined ? undefined : { texture: face.live, passive: face.passive };
}

const nuaa = datasetDir('nuaa');
if (!nuaa) throw new Error('nuaa-train is not on this machine (FACELOCK_DATASETS)');
const started = performance.now();
const { engine } = await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger);
const models = [
  { name: 'texture', threshold: engine.liveThreshold },
  { name: 'passive', threshold: engine.passiveThreshold },
] as const;
const presentations = readAttackDataset(nuaa);
const split = nuaaSplit(presentations);
const scored: { p: (typeof presentations)[number]; part: string; colour: Scores; mono: Scores }[] = [];
for (const p of presentations) {
  const image = await decodeImageFile(p.file);
  scored.push({ p, part: nuaaPartOf(split, p), colour: await scores(engine, image), mono: await scores(engine, grey(image)) });
}
const out = (line: string) => process.stdout.write(`${line}\n`);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
for (const m of models) {
  for (const kind of ['colour', 'mono'] as const) {
    out(`${m.name} model at its threshold ${m.threshold.toFixed(4)}, NUAA ${kind === 'mono' ? 'turned grey' : 'as captured'}:`);
    const rows: ScoredPresentation[] = scored.map((s) => ({ ...s.p, part: s.part, score: s[kind]?.[m.name] }));
    for (const r of padRatesByPart(rows, m.threshold, rule)) {
      const worst = r.rates.worst ? formatProportion(r.rates.worst.apcer, pct) : '-';
      out(
        `  ${r.part.padEnd(10)} ${r.level.padEnd(8)} APCER ${worst}  BPCER ${formatProportion(r.rates.bpcer, pct)}  (${r.recordings} recordings)`,
      );
    }
  }
}
// a candidate fusion of the two models: the sum of their calibrated logits (no fitted weights: the data that neither
// model trained on is dev, where the threshold is chosen), at the threshold that keeps 5% BPCER on dev's live frames
const logit = (p: number) => Math.log(Math.max(1e-7, p) / Math.max(1e-7, 1 - p));
const fused = (x: Scores) => (x === undefined ? undefined : logit(x.texture) + logit(x.passive));
const devLive = scored.filter((s) => s.part === 'dev' && !s.p.attack).map((s) => fused(s.colour) ?? Number.NEGATIVE_INFINITY);
const fusedThreshold = thresholdForBpcer(devLive, 0.05);
out(`fused (texture + passive logits) at ${fusedThreshold.toFixed(3)} (5% BPCER on dev), NUAA as captured:`);
for (const r of padRatesByPart(
  scored.map((s) => ({ ...s.p, part: s.part, score: fused(s.colour) })),
  fusedThreshold,
  rule,
)) {
  const worst = r.rates.worst ? formatProportion(r.rates.worst.apcer, pct) : '-';
  out(
    `  ${r.part.padEnd(10)} ${r.level.padEnd(8)} APCER ${worst}  BPCER ${formatProportion(r.rates.bpcer, pct)}  (${r.recordings} recordings)`,
  );
}
// the grey datasets: every image of every person (these are live faces; training used some ORL people, never Yale)
for (const [name, dir] of [
  ['ORL (att_faces)', datasetDir('orl')],
  ['Yale', datasetDir('yale')],
] as const) {
  if (!dir) continue;
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const f = join(d, e);
      if (statSync(f).isDirectory()) walk(f);
      else if (/\.(pgm|gif|jpe?g|png)$|^subject\d+\.\w+$/i.test(e)) files.push(f);
    }
  };
  walk(dir);
  // one image at a time: the engine reuses its input buffers, so calls must not overlap
  const s: Scores[] = [];
  for (const f of files) s.push(await scores(engine, await decodeImageFile(f)));
  for (const m of models) {
    const rejected = s.filter((x) => x === undefined || x[m.name] < m.threshold).length;
    out(`${name}: ${m.name} BPCER ${formatProportion(proportion(rejected, s.length), pct)} per image (no face counted as rejected)`);
  }
  const rejected = s.filter((x) => (fused(x) ?? Number.NEGATIVE_INFINITY) < fusedThreshold).length;
  out(`${name}: fused BPCER ${formatProportion(proportion(rejected, s.length), pct)} per image`);
}
out(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
