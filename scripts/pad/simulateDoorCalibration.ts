/**
 * The door's own liveness calibration, simulated the honest way (issue 24): the head is fitted as
 * `facelock calibrate liveness` fits it (door features, folds by person as a door folder names them, threshold for 5% BPCER on held-apart
 * recordings) on the presentations of some people of a camera, and measured on other people of the same camera:
 * Replay-Attack train people -> devel people, NUAA train part -> NUAA dev (other people, another day). A learning curve
 * over the number of training people says how many people and presentations a door needs.
 * Usage: npm run build && node dist/scripts/pad/simulateDoorCalibration.js
 */
import { presentationFeatures } from '../../calibration/doorLivenessCalibration.js';
import { fitPadHead, headProbability } from '../../calibration/padHead.js';
import { measurePad } from '../../calibration/padMeasure.js';
import { formatProportion } from '../../calibration/presentationAttackRates.js';
import { type PartPresentation, readPresentationSet } from '../../calibration/presentationSet.js';
import { datasetDir } from '../../common/datasets.js';
import { silentLogger } from '../../common/logger.js';
import { DEFAULT_ENGINE_CONFIG, loadFaceEngine } from '../../model/loadFaceEngine.js';

const started = performance.now();
const { engine } = await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const line = (s: string) => process.stdout.write(`${s}\n`);

async function simulate(
  name: string,
  dir: string,
  trainPart: string,
  testPart: string,
  peopleSteps: readonly number[],
  targets: readonly number[] = [0.05, 0.1],
) {
  const set = readPresentationSet(dir);
  const of = (part: string) => set.presentations.filter((p) => p.part === part);
  const feats = async (ps: readonly PartPresentation[]) => {
    const withFace: { p: PartPresentation; x: Float32Array }[] = [];
    for (const p of ps) {
      const r = await presentationFeatures(engine, [p], () => {});
      const f = r.frames[0];
      if (f) withFace.push({ p, x: f.features });
    }
    return withFace;
  };
  const train = await feats(of(trainPart));
  const testAll = of(testPart);
  const test = await feats(testAll);
  const testScore = new Map(test.map((t) => [t.p.file, t.x]));
  const people = [...new Set(train.map((t) => t.p.subject))].sort();
  line(
    `\n== ${name}: fitted on ${trainPart} (${people.length} people), measured on ${testPart} (${new Set(testAll.map((p) => p.subject)).size} people)`,
  );
  for (const n of peopleSteps.filter((k) => k <= people.length))
    for (const targetBpcer of n === people.length ? targets : [0.05]) {
      const chosen = new Set(people.slice(0, n));
      const rows = train.filter((t) => chosen.has(t.p.subject));
      const fit = fitPadHead(
        rows.map((r) => r.x),
        Uint8Array.from(rows.map((r) => (r.p.attack ? 0 : 1))),
        rows.map((r) => r.p.subject),
        { lambdas: [1e-3, 1e-2, 1e-1], targetBpcer, folds: 5 },
      );
      const frames = testAll.map((p) => {
        const x = testScore.get(p.file);
        return {
          attack: p.attack,
          ...(p.species ? { species: p.species } : {}),
          ...(p.sequence ? { sequence: p.sequence } : {}),
          ...(p.frame !== undefined ? { frame: p.frame } : {}),
          score: x ? headProbability(fit.head, x) : undefined,
        };
      });
      const m = measurePad(frames, fit.head.threshold, { k: 3, n: 5 });
      const recordings = new Set(rows.map((r) => r.p.sequence)).size;
      const attackRecordings = new Set(rows.filter((r) => r.p.attack).map((r) => r.p.sequence)).size;
      line(
        `  ${n} people, target BPCER ${pct(targetBpcer)}, ${recordings} recordings (${attackRecordings} attacks), ${rows.length} frames: threshold ${fit.head.threshold.toFixed(3)} (lambda ${fit.head.lambda}), AUC ${m.auc?.toFixed(3)}`,
      );
      line(
        `    per frame: BPCER ${formatProportion(m.frame.bpcer, pct)}; APCER ${m.frame.species.map((s) => `${s.species} ${formatProportion(s.apcer, pct)}`).join(', ')}`,
      );
      line(
        `    per approach (3 of 5): BPCER ${formatProportion(m.approach.bpcer, pct)}; APCER ${m.approach.species.map((s) => `${s.species} ${formatProportion(s.apcer, pct)}`).join(', ')}`,
      );
      line(
        `    at the threshold that rejects 5% of these live frames (chosen on the test people: the best the features can do): per frame APCER ${m.apcerAtBpcer5.map((s) => `${s.species} ${pct(s.apcer.rate ?? 0)}`).join(', ')}; per approach BPCER ${pct(m.approachAtBpcer5.bpcer.rate ?? 0)}, APCER ${m.approachAtBpcer5.species.map((s) => `${s.species} ${pct(s.apcer.rate ?? 0)}`).join(', ')}`,
      );
    }
}

const ra = datasetDir('replayAttack');
const nuaa = datasetDir('nuaa');
if (!ra || !nuaa) throw new Error('replay-attack and nuaa-train must be in the shared datasets (FACELOCK_DATASETS)');
await simulate('Replay-Attack', ra, 'train', 'devel', [2, 4, 8, 15]);
await simulate('NUAA', nuaa, 'train', 'dev', [3, 7]);
line(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
