import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetDir } from '../../common/datasets.js';
import { silentLogger } from '../../common/logger.js';
import { selectBackend } from '../../model/backend.js';
import { BlazefaceDetector, type Detection } from '../../model/detector/blazeface.js';
import { FrDetector } from '../../model/detector/frDetect.js';
import { decodeImage } from '../../model/image/decodeImage.js';
import { MODELS } from '../../model/manifest.js';
import { loadOnnxSession } from '../../model/runtime/onnxRuntime.js';
import { tfjsGraphSession } from '../../model/runtime/tfjsSession.js';
import { loadVerifiedGraphModel, readVerifiedModelFile } from '../../model/verifiedModelLoader.js';

/**
 * Fits FR_TO_BLAZEFACE_BOX: on lfw-dev images where both detectors find a face, the shift of BlazeFace's box centre
 * from fr_detect's (its square box, as FrDetector returns it with the identity mapping) and the ratio of their sides,
 * as medians in units of fr_detect's side. Also counts the images where each finds no face.
 * `node dist/scripts/bench/fitDetectorBoxes.js [images]`
 */
async function main(): Promise<void> {
  const lfw = datasetDir('lfw');
  if (!lfw) throw new Error('lfw-dev is not on this machine (../shared/datasets)');
  const limit = Number(process.argv[2] ?? 600);
  await selectBackend('auto', silentLogger);
  const options = { minScore: 0.5, maxFaces: 1, maxIou: 0.3 };
  const blaze = new BlazefaceDetector(tfjsGraphSession('blazeface', (await loadVerifiedGraphModel(MODELS.blazeface)).model), options);
  const onnx = async (name: 'frDetect' | 'frLandmark') => loadOnnxSession(name, await readVerifiedModelFile(MODELS[name]), { threads: 1 });
  const fr = new FrDetector(await onnx('frDetect'), await onnx('frLandmark'), { ...options, minScore: 0.65 }, { dx: 0, dy: 0, scale: 1 });
  const people = readdirSync(join(lfw, 'images')).sort();
  const files = people.flatMap((p) => readdirSync(join(lfw, 'images', p)).map((f) => join(lfw, 'images', p, f)));
  const step = Math.max(1, Math.floor(files.length / limit));
  const dx: number[] = [];
  const dy: number[] = [];
  const scale: number[] = [];
  let missedBlaze = 0;
  let missedFr = 0;
  let n = 0;
  for (let i = 0; i < files.length && n < limit; i += step, n++) {
    const image = await decodeImage(readFileSync(files[i] as string), files[i] as string);
    const [b] = await blaze.detect(image);
    const [f] = await fr.detect(image);
    if (!b) missedBlaze++;
    if (!f) missedFr++;
    if (!b || !f) continue;
    const side = f.box.width;
    const c = (d: Detection) => [d.box.x + d.box.width / 2, d.box.y + d.box.height / 2] as const;
    dx.push((c(b)[0] - c(f)[0]) / side);
    dy.push((c(b)[1] - c(f)[1]) / side);
    scale.push(Math.max(b.box.width, b.box.height) / side);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? Number.NaN;
  const q = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.floor(p * (v.length - 1))] ?? Number.NaN;
  console.log(
    JSON.stringify(
      {
        images: n,
        both: scale.length,
        missedBlazeface: missedBlaze,
        missedFrDetect: missedFr,
        mapping: { dx: median(dx), dy: median(dy), scale: median(scale) },
        spread: { scale: [q(scale, 0.1), q(scale, 0.9)], dy: [q(dy, 0.1), q(dy, 0.9)] },
      },
      null,
      1,
    ),
  );
}

await main();
