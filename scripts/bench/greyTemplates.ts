import { labelledFace } from '../../calibration/labelledFace.js';
import { tarAtFar } from '../../calibration/verificationMetrics.js';
import { silentLogger } from '../../common/logger.js';
import { cosine } from '../../model/embedder/embedder.js';
import { decodeImageFile } from '../../model/image/decodeImage.js';
import { greyOf } from '../../model/image/greyImage.js';
import type { RgbImage } from '../../model/image/rgbImage.js';
import { DEFAULT_ENGINE_CONFIG, loadFaceEngine } from '../../model/loadFaceEngine.js';
import { lfwFoldImages } from './benchImages.js';

/**
 * Does a grey camera need grey templates? lfw-dev images embedded as they are and turned grey (the camera's luma), then
 * every pair scored three ways: colour template against colour probe (a colour door by day), colour template against
 * grey probe (a colour enrollment seen at night by an infrared camera), grey against grey (enrolled at night too).
 * TAR at FAR 1e-3 and 1e-4 over all cross-identity pairs, missed faces as rejects, each at its own threshold.
 * `node dist/scripts/bench/greyTemplates.js [folds, default 1,2]`
 */
async function main(): Promise<void> {
  const folds = (process.argv[2] ?? '1,2').split(',').map(Number);
  const { engine } = await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger);
  const { images } = lfwFoldImages(folds);
  const embed = async (image: RgbImage) => {
    const face = labelledFace((await engine.analyze(image, { embed: false })).faces, (f) => f.detectionBox, image);
    return face ? await engine.embed(image, face) : undefined;
  };
  const items: { identity: string; colour?: Float32Array; grey?: Float32Array }[] = [];
  for (const it of images) {
    const image = await decodeImageFile(it.path);
    const colour = await embed(image);
    const grey = await embed(greyOf(image));
    items.push({ identity: it.identity, ...(colour ? { colour } : {}), ...(grey ? { grey } : {}) });
  }
  const ways = {
    'colour template, colour probe': ['colour', 'colour'],
    'colour template, grey probe': ['colour', 'grey'],
    'grey template, grey probe': ['grey', 'grey'],
  } as const;
  console.log(`lfw-dev folds ${folds.join(',')}: ${items.length} images`);
  for (const [name, [t, p]] of Object.entries(ways)) {
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (let i = 0; i < items.length; i++) {
      for (let j = 0; j < items.length; j++) {
        if (i === j || (t === p && j < i)) continue; // a mixed pair is scored both ways round
        const a = items[i]?.[t];
        const b = items[j]?.[p];
        const s = a && b ? cosine(a, b) : Number.NEGATIVE_INFINITY;
        (items[i]?.identity === items[j]?.identity ? genuine : impostor).push(s);
      }
    }
    const at = (far: number) => {
      const o = tarAtFar(genuine, impostor, far);
      return `TAR ${(o.tar * 100).toFixed(2)}% (thr ${o.threshold.toFixed(4)})`;
    };
    console.log(`${name.padEnd(30)} ${genuine.length} genuine / ${impostor.length} impostor: FAR 1e-3 ${at(1e-3)}, 1e-4 ${at(1e-4)}`);
  }
}

await main();
