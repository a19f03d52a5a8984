/**
 * faceplugin's fr_liveness.onnx as a presentation-attack candidate (issue 18), on the frozen subject-and-session NUAA
 * split and on live faces from other cameras. The face box it wants is fr_detect's; the door's detector is BlazeFace,
 * so the box is BlazeFace's mapped back through FR_TO_BLAZEFACE_BOX (a fitted median: an approximation). Which of the
 * three classes means live is read off the train part; the threshold is the one that keeps BPCER at 5% on dev.
 * Usage: npm run build && node dist/scripts/evalFrLiveness.js
 */
import { basename } from 'node:path';
import { readAttackDataset } from '../calibration/attackData.js';
import { padRatesByPart, type ScoredPresentation } from '../calibration/padRatesByPart.js';
import { formatProportion, padRates } from '../calibration/presentationAttackRates.js';
import { nuaaPartOf, nuaaSplit } from '../calibration/splitManifest.js';
import { datasetDir } from '../common/datasets.js';
import { silentLogger } from '../common/logger.js';
import { decodeImageFile } from '../model/image/decodeImage.js';
import { FrLiveness, frBoxOfBlazeface } from '../model/liveness/frLiveness.js';
import { DEFAULT_ENGINE_CONFIG, FR_TO_BLAZEFACE_BOX, loadFaceEngine } from '../model/loadFaceEngine.js';
import { MODELS } from '../model/manifest.js';
import { loadOnnxSession } from '../model/runtime/onnxRuntime.js';
import { readVerifiedModelFile } from '../model/verifiedModelLoader.js';
import { listLivenessData } from '../training/liveness/livenessData.js';
import { thresholdForBpcer } from '../training/liveness/livenessEvaluation.js';

const nuaa = datasetDir('nuaa');
const others = [datasetDir('lfw'), datasetDir('orl'), datasetDir('yale')];
if (!nuaa || others.some((d) => !d)) throw new Error('the shared datasets are not on this machine (FACELOCK_DATASETS)');
const { engine } = await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger);
const net = new FrLiveness(await loadOnnxSession('frLiveness', await readVerifiedModelFile(MODELS.frLiveness), { threads: 1 }));
const probabilitiesOf = async (file: string): Promise<Float32Array | undefined> => {
  const image = await decodeImageFile(file);
  const face = (await engine.analyze(image, { maxFaces: 1, embed: false, liveness: false })).faces[0];
  return face ? net.probabilities(image, frBoxOfBlazeface(face.detectionBox, FR_TO_BLAZEFACE_BOX)) : undefined;
};

const presentations = readAttackDataset(nuaa);
const split = nuaaSplit(presentations);
const probs: (Float32Array | undefined)[] = [];
for (const p of presentations) probs.push(await probabilitiesOf(p.file));
const parts = presentations.map((p) => nuaaPartOf(split, p));

// the live class: the one whose mean probability separates live from attack frames of the train part most
const mean = (attack: boolean, c: number) => {
  const v = presentations.flatMap((p, i) => (parts[i] === 'train' && p.attack === attack && probs[i] ? [probs[i]?.[c] ?? 0] : []));
  return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
};
const gaps = [0, 1, 2].map((c) => mean(false, c) - mean(true, c));
const liveClass = gaps.indexOf(Math.max(...gaps));
const score = (p: Float32Array | undefined) => (p ? (p[liveClass] as number) : undefined);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
process.stdout.write(`class means live - attack on train: ${gaps.map((g) => g.toFixed(3)).join(' / ')}: class ${liveClass} is live\n`);

const devLive = presentations.flatMap((p, i) => (parts[i] === 'dev' && !p.attack ? [score(probs[i]) ?? Number.NEGATIVE_INFINITY] : []));
const checks = listLivenessData({ nuaa, bonaFide: [], checks: others as string[] }).samples.filter((s) => s.part.startsWith('check:'));
const checkScores: { part: string; score: number | undefined }[] = [];
for (const s of checks) checkScores.push({ part: s.part, score: score(await probabilitiesOf(s.file)) });

for (const [label, threshold] of [
  ['BPCER 5% on dev', thresholdForBpcer(devLive, 0.05)],
  ["the library's 0.5", 0.5],
] as const) {
  process.stdout.write(`\nthreshold ${threshold.toFixed(4)} (${label}):\n`);
  const scored: ScoredPresentation[] = presentations.map((p, i) => ({ ...p, part: parts[i] as string, score: score(probs[i]) }));
  for (const b of padRatesByPart(scored, threshold, { k: 3, n: 5 })) {
    const apcer = b.rates.species.map((x) => `APCER ${x.species} ${formatProportion(x.apcer, pct)}`).join(', ');
    process.stdout.write(
      `  ${b.part.padEnd(10)} per ${b.level.padEnd(8)} ${apcer}; BPCER ${formatProportion(b.rates.bpcer, pct)} (${b.recordings} recordings)\n`,
    );
  }
  for (const dir of others as string[]) {
    const of = checkScores.filter((c) => c.part === `check:${basename(dir)}`);
    const r = padRates(of.map((c) => ({ attack: false, accepted: c.score !== undefined && c.score >= threshold })));
    process.stdout.write(
      `  ${basename(dir).padEnd(10)} per frame    BPCER ${formatProportion(r.bpcer, pct)} (live faces, another camera)\n`,
    );
  }
}
