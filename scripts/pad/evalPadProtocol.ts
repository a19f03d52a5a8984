/**
 * The presentation-attack protocol (issue 24): every candidate measured on a camera, or on people, it was not fitted
 * on. Protocols:
 * - `RA held out`: fitted on all of NUAA (one camera), measured on Replay-Attack's devel people (another camera);
 * - `NUAA held out`: fitted on all of Replay-Attack, measured on NUAA's frozen dev part (its people and day);
 * - `within RA`: fitted on Replay-Attack's train people, measured on its devel people (same camera, new people): what
 *   a door's own calibration can reach;
 * - `both`: fitted on NUAA train and Replay-Attack train, measured on RA devel and NUAA dev (a factory model that saw
 *   both cameras, on new people).
 * Each head's L2 strength, temperature and threshold (5% BPCER) come from held-apart folds of its training people;
 * the target data is never used to choose anything, except the column "APCER at BPCER 5% on target", which is the
 * threshold-free comparison the literature reports.
 * Usage: npm run build && node dist/scripts/pad/evalPadProtocol.js [--cache /tmp/facelock-pad] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fitPadHead, headProbability } from '../../calibration/padHead.js';
import { measurePad, type PadMeasurement } from '../../calibration/padMeasure.js';
import { formatProportion } from '../../calibration/presentationAttackRates.js';
import { type PartPresentation, readPresentationSet } from '../../calibration/presentationSet.js';
import { datasetDir } from '../../common/datasets.js';
import { silentLogger } from '../../common/logger.js';
import { FR_LIVENESS_PENULTIMATE, FrLiveness } from '../../model/liveness/frLiveness.js';
import { DEFAULT_ENGINE_CONFIG, loadFaceEngine } from '../../model/loadFaceEngine.js';
import { MODELS } from '../../model/manifest.js';
import { withGraphOutputs } from '../../model/runtime/graphOutputs.js';
import { loadOnnxSession } from '../../model/runtime/onnxRuntime.js';
import { readVerifiedModelFile } from '../../model/verifiedModelLoader.js';
import { type BlockName, type FeatureBlocks, featureBlocks } from './padFeatureBlocks.js';

const { values } = parseArgs({
  options: { cache: { type: 'string' }, json: { type: 'string' }, only: { type: 'string' }, folds: { type: 'string', default: '5' } },
});
const nuaaDir = datasetDir('nuaa');
const raDir = datasetDir('replayAttack');
if (!nuaaDir || !raDir) throw new Error('nuaa-train and replay-attack must be in the shared datasets (FACELOCK_DATASETS)');

const started = performance.now();
const { engine } = await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger);
const frBytes = withGraphOutputs(await readVerifiedModelFile(MODELS.frLiveness), [FR_LIVENESS_PENULTIMATE]);
const fr = new FrLiveness(await loadOnnxSession('frLiveness', frBytes, { threads: 1 }));
type Item = PartPresentation & { dataset: 'nuaa' | 'ra'; blocks: FeatureBlocks | undefined };
const items: Item[] = [];
for (const [dataset, dir] of [
  ['nuaa', nuaaDir],
  ['ra', raDir],
] as const) {
  const set = readPresentationSet(dir);
  const blocks = await featureBlocks(engine, fr, set.presentations, values.cache ? `${values.cache}-${dataset}` : undefined, (n) => {
    if (n % 500 === 0) process.stderr.write(`${dataset}: ${n}/${set.presentations.length}\n`);
  });
  set.presentations.forEach((p, i) => {
    items.push({ ...p, dataset, blocks: blocks[i] });
  });
}
const extracted = performance.now();
process.stdout.write(`features of ${items.length} frames in ${((extracted - started) / 1000).toFixed(0)} s\n`);

const vector = (b: FeatureBlocks, names: readonly BlockName[]) => {
  const parts = names.map((n) => b[n] as Float32Array);
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

interface Protocol {
  readonly name: string;
  readonly train: (i: Item) => boolean;
  readonly targets: readonly { readonly name: string; readonly of: (i: Item) => boolean }[];
}
const raDevel = { name: 'RA devel', of: (i: Item) => i.dataset === 'ra' && i.part === 'devel' };
const nuaaDev = { name: 'NUAA dev', of: (i: Item) => i.dataset === 'nuaa' && i.part === 'dev' };
const protocols: Protocol[] = [
  { name: 'RA held out (fit: all NUAA)', train: (i) => i.dataset === 'nuaa', targets: [raDevel] },
  { name: 'NUAA held out (fit: all RA)', train: (i) => i.dataset === 'ra', targets: [nuaaDev] },
  { name: 'within RA (fit: RA train people)', train: (i) => i.dataset === 'ra' && i.part === 'train', targets: [raDevel] },
  {
    name: 'both cameras (fit: NUAA train + RA train)',
    train: (i) => (i.dataset === 'ra' && i.part === 'train') || (i.dataset === 'nuaa' && i.part === 'train'),
    targets: [raDevel, nuaaDev],
  },
];
const allCandidates: { name: string; blocks: BlockName[] }[] = [
  { name: 'grey LBP 160', blocks: ['grey160'] },
  { name: 'colour LBP 64', blocks: ['colour64'] },
  { name: 'colour LBP 128', blocks: ['colour128'] },
  { name: 'spectrum 64', blocks: ['spectrum64'] },
  { name: 'colour 64 + spectrum', blocks: ['colour64', 'spectrum64'] },
  { name: 'colour 64 + spectrum + fr_liveness', blocks: ['colour64', 'spectrum64', 'fr'] },
  { name: 'colour 64 + colour 128 + spectrum', blocks: ['colour64', 'colour128', 'spectrum64'] },
  { name: 'fr_liveness penultimate', blocks: ['frPenultimate'] },
  { name: 'fr_liveness penultimate + colour 64 + spectrum', blocks: ['frPenultimate', 'colour64', 'spectrum64'] },
];
const candidates = allCandidates.filter((c) => !values.only || values.only.split(',').includes(c.name));

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const rule = { k: 3, n: 5 };
const results: unknown[] = [];
const line = (s: string) => process.stdout.write(`${s}\n`);
const describe = (m: PadMeasurement) => {
  const worstFrame = m.frame.worst;
  const worstApproach = m.approach.worst;
  line(
    `      at held-apart threshold ${m.threshold.toFixed(4)}: per frame BPCER ${formatProportion(m.frame.bpcer, pct)}, worst APCER ${worstFrame?.species} ${worstFrame ? formatProportion(worstFrame.apcer, pct) : '-'}`,
  );
  line(`        per frame APCER: ${m.frame.species.map((s) => `${s.species} ${pct(s.apcer.rate ?? 0)}`).join(', ')}`);
  line(
    `        per approach (3 of 5): BPCER ${formatProportion(m.approach.bpcer, pct)}; APCER ${m.approach.species.map((s) => `${s.species} ${formatProportion(s.apcer, pct)}`).join(', ')}; worst ${worstApproach?.species}`,
  );
  line(
    `      AUC ${m.auc?.toFixed(3)}; APCER at BPCER 5% on target: ${m.apcerAtBpcer5.map((s) => `${s.species} ${pct(s.apcer.rate ?? 0)}`).join(', ')}`,
  );
  line(
    `        same threshold, per approach: BPCER ${pct(m.approachAtBpcer5.bpcer.rate ?? 0)}; APCER ${m.approachAtBpcer5.species.map((s) => `${s.species} ${pct(s.apcer.rate ?? 0)}`).join(', ')}`,
  );
};

const toFrame = (i: Item, score: number | undefined) => ({
  attack: i.attack,
  ...(i.species ? { species: i.species } : {}),
  ...(i.sequence ? { sequence: i.sequence } : {}),
  ...(i.frame !== undefined ? { frame: i.frame } : {}),
  score,
});

// the door's shipped texture model at its shipped threshold, for the record
line('\n== shipped texture model (grey LBP, NUAA-trained) at its threshold');
for (const target of [raDevel, nuaaDev]) {
  line(`  ${target.name}:`);
  const m = measurePad(
    items.filter(target.of).map((i) => toFrame(i, i.blocks?.texture?.[0])),
    engine.liveThreshold,
    rule,
  );
  describe(m);
  results.push({ candidate: 'shipped texture', target: target.name, measurement: m });
}

for (const protocol of protocols) {
  line(`\n== ${protocol.name}`);
  const train = items.filter((i) => protocol.train(i) && i.blocks !== undefined);
  for (const c of candidates) {
    const t0 = performance.now();
    const xs = train.map((i) => vector(i.blocks as FeatureBlocks, c.blocks));
    const labels = Uint8Array.from(train.map((i) => (i.attack ? 0 : 1)));
    const groups = train.map((i) => `${i.dataset}:${i.subject}`);
    const fit = fitPadHead(xs, labels, groups, { lambdas: [1e-3, 1e-2, 1e-1], targetBpcer: 0.05, folds: Number(values.folds) });
    const seconds = (performance.now() - t0) / 1000;
    line(
      `  ${c.name} (${xs[0]?.length} features, lambda ${fit.head.lambda}, T ${fit.head.temperature.toFixed(2)}, ${train.length} frames, ${seconds.toFixed(0)} s)`,
    );
    for (const target of protocol.targets) {
      const frames = items
        .filter(target.of)
        .map((i) => toFrame(i, i.blocks ? headProbability(fit.head, vector(i.blocks, c.blocks)) : undefined));
      line(`    ${target.name}:`);
      const m = measurePad(frames, fit.head.threshold, rule);
      describe(m);
      results.push({ protocol: protocol.name, candidate: c.name, target: target.name, lambda: fit.head.lambda, measurement: m });
    }
  }
}
line(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 1));
