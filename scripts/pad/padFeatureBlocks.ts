import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { PartPresentation } from '../../calibration/presentationSet.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import { decodeImageFile } from '../../model/image/decodeImage.js';
import { type FrLiveness, frBoxOfBlazeface } from '../../model/liveness/frLiveness.js';
import { colourLbpFeatures } from '../../model/liveness/texture/colourLbp.js';
import { lbpFeatures, toGrey } from '../../model/liveness/texture/lbpFeatures.js';
import { spectrumFeatures } from '../../model/liveness/texture/spectrumFeatures.js';
import { FR_TO_BLAZEFACE_BOX } from '../../model/loadFaceEngine.js';

/** Every candidate's features of one face, by block name; undefined when no face was found. */
export type FeatureBlocks = Record<string, Float32Array>;

export const BLOCKS = {
  /** The shipped texture model's inputs: grey LBP at 160 px (590). */
  grey160: 590,
  /** Colour LBP (HSV + YCbCr) at 64 and 128 px (354 each). */
  colour64: 354,
  colour128: 354,
  /** DCT ring energies of the 64 px luma (16). */
  spectrum64: 16,
  /** fr_liveness.onnx's three class probabilities. */
  fr: 3,
  /** fr_liveness.onnx's penultimate layer (128), for a head of our own. */
  frPenultimate: 128,
  /** The shipped texture model's p(live), as the door uses it today. */
  texture: 1,
} as const;
export type BlockName = keyof typeof BLOCKS;

/** The blocks of one image's largest face. */
async function blocksOf(engine: FaceEngine, fr: FrLiveness, file: string): Promise<FeatureBlocks | undefined> {
  const image = await decodeImageFile(file);
  const face = (await engine.analyze(image, { maxFaces: 1, embed: false, liveness: false })).faces[0];
  if (!face) return undefined;
  const crop = (side: number) => Float32Array.from(engine.livenessCrop(image, face, side).data);
  const c64 = crop(64);
  const frOut = await fr.evaluate(image, frBoxOfBlazeface(face.detectionBox, FR_TO_BLAZEFACE_BOX));
  if (!frOut.penultimate) throw new Error('the fr_liveness session has no penultimate output (withGraphOutputs)');
  return {
    grey160: lbpFeatures(crop(160), 160),
    colour64: colourLbpFeatures(c64, 64),
    colour128: colourLbpFeatures(crop(128), 128),
    spectrum64: spectrumFeatures(toGrey(c64, 64), 64),
    fr: frOut.probabilities,
    frPenultimate: frOut.penultimate,
    texture: Float32Array.of(await engine.liveProbability(image, face)),
  };
}

/**
 * The blocks of every presentation, read from `cache` when it holds the same files (features only, never pixels;
 * kept outside the repository), else computed and written there.
 */
export async function featureBlocks(
  engine: FaceEngine,
  fr: FrLiveness,
  presentations: readonly PartPresentation[],
  cache: string | undefined,
  progress: (done: number) => void,
): Promise<(FeatureBlocks | undefined)[]> {
  const names = Object.keys(BLOCKS) as BlockName[];
  const width = names.reduce((a, n) => a + BLOCKS[n], 0);
  const files = presentations.map((p) => p.file);
  if (cache && existsSync(`${cache}.json`)) {
    const meta = JSON.parse(readFileSync(`${cache}.json`, 'utf8')) as { files: string[]; found: boolean[]; width: number };
    if (meta.width === width && meta.files.length === files.length && meta.files.every((f, i) => f === files[i])) {
      const raw = readFileSync(`${cache}.f32`);
      const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      return meta.found.map((found, i) => {
        if (!found) return undefined;
        let at = i * width;
        const out: FeatureBlocks = {};
        for (const n of names) {
          out[n] = all.slice(at, at + BLOCKS[n]);
          at += BLOCKS[n];
        }
        return out;
      });
    }
  }
  const out: (FeatureBlocks | undefined)[] = [];
  for (const f of files) {
    out.push(await blocksOf(engine, fr, f));
    progress(out.length);
  }
  if (cache) {
    const all = new Float32Array(out.length * width);
    out.forEach((b, i) => {
      let at = i * width;
      for (const n of names) {
        if (b) all.set(b[n] as Float32Array, at);
        at += BLOCKS[n];
      }
    });
    writeFileSync(`${cache}.f32`, Buffer.from(all.buffer));
    writeFileSync(`${cache}.json`, JSON.stringify({ files, found: out.map((b) => b !== undefined), width }));
  }
  return out;
}
