/**
 * Writes the frozen split manifests of the shared datasets to calibration/splits/: LFW folds (identity-disjoint)
 * and NUAA split by subject and capture session (train, dev, new-day, new-people), Replay-Attack by its own people
 * split (train, devel). Run once when the data is
 * added; calibrate then refuses data that differs.
 * Usage: npm run build && node dist/scripts/freezeSplits.js && npm run format (the repository's JSON layout)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAttackDataset } from '../calibration/attackData.js';
import { readLfwDataset } from '../calibration/lfwDataset.js';
import { presentationParts, readPresentationSet } from '../calibration/presentationSet.js';
import { fileHashes, lfwSplitParts, nuaaParts, type SplitManifest, splitsDir } from '../calibration/splitManifest.js';
import { datasetDir } from '../common/datasets.js';
import { sha256 } from '../common/hashing.js';

const lfw = datasetDir('lfw');
const nuaa = datasetDir('nuaa');
if (!lfw || !nuaa) throw new Error('the shared datasets are not on this machine (FACELOCK_DATASETS)');
const dataset = readLfwDataset(lfw);
const lfwManifest: SplitManifest = {
  dataset: 'lfw-dev',
  listSha256: sha256(readFileSync(join(lfw, 'pairs.txt'))),
  parts: lfwSplitParts(dataset, fileHashes(dataset.folds.flatMap((f) => f.images.map((p) => join(lfw, p))))),
};
const presentations = readAttackDataset(nuaa);
const nuaaManifest: SplitManifest = {
  dataset: 'nuaa-train',
  listSha256: sha256(['client_train_raw.txt', 'imposter_train_raw.txt'].map((f) => readFileSync(join(nuaa, f), 'utf8')).join('\n')),
  parts: nuaaParts(presentations, nuaa, fileHashes(presentations.map((p) => p.file))),
};
const ra = datasetDir('replayAttack');
const raSet = ra ? readPresentationSet(ra) : undefined;
const raManifest: SplitManifest[] = raSet
  ? [
      {
        dataset: 'replay-attack',
        listSha256: raSet.listSha256,
        parts: presentationParts(raSet, fileHashes(raSet.presentations.map((p) => p.file))),
      },
    ]
  : [];
for (const m of [lfwManifest, nuaaManifest, ...raManifest]) {
  writeFileSync(join(splitsDir(), `${m.dataset}.json`), `${JSON.stringify(m, null, 2)}\n`);
  process.stdout.write(`${m.dataset}: ${m.parts.map((p) => `${p.name} ${p.identities.length} ids ${p.images} images`).join(', ')}\n`);
}
