import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { readAttackDataset } from '../../calibration/attackData.js';
import {
  checkSplit,
  fileHashes,
  findSplit,
  type NuaaPart,
  nuaaPartOf,
  nuaaParts,
  nuaaSplit,
  type SplitPart,
} from '../../calibration/splitManifest.js';
import { DatasetError } from '../../common/errors.js';
import { sha256 } from '../../common/hashing.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import type { Face } from '../../model/faceTypes.js';
import { decodeImageFile } from '../../model/image/decodeImage.js';
import { CROP_SIDE } from '../../model/liveness/passive/passiveNet.js';
import { lbpFeatures } from '../../model/liveness/texture/lbpFeatures.js';
import type { CropSet } from './trainPassiveNet.js';

/** Side of the face crop kept for training (augmentation crops and resizes it to the net's input). */

/**
 * NUAA's parts (train; dev: other people on a day training never saw; new-day and new-people: one of the two, never
 * trained on); bona fide faces from other cameras for training (`bona-fide`) and for dev
 * (`bona-fide-dev`: early stopping, the search, the temperature and the threshold see them); bona fide check folders
 * (`check:<folder>`), never seen before the final measurement.
 */
export type SamplePart = NuaaPart | 'bona-fide' | 'bona-fide-dev' | `check:${string}`;

/** One image as the trainer and the evaluation see it; the crop stays in memory (face images are never written). */
export interface LivenessSample {
  readonly file: string;
  readonly part: SamplePart;
  readonly attack: boolean;
  readonly subject: string;
  /** NUAA sequence (ID_glasses_position_session) and frame number, for approaches of consecutive frames. */
  readonly sequence?: string;
  readonly frame?: number;
  /** Undefined when no face was found (an attack not accepted; a bona fide presentation rejected). */
  readonly crop?: Float32Array;
  /** LBP texture features of a larger crop of the same face (model/liveness/texture), when asked for. */
  readonly texture?: Float32Array;
  readonly antispoof?: number;
  readonly liveness?: number;
  readonly landmarks?: Face['landmarks'];
  readonly eyes?: Face['eyes'];
}

export interface LivenessDataOptions {
  /** NUAA-format folder (client/imposter lists), split by subject with the frozen manifest. */
  readonly nuaa: string;
  /**
   * Folders of bona fide face images from other cameras (one folder per identity, or files named IDENTITY.condition):
   * of their identities in name order, every 4th (index 2 mod 4) is trained on, index 4 mod 12 is dev, index 0 mod 12
   * is kept for a check of the same folder: three disjoint sets of people.
   */
  readonly bonaFide: readonly string[];
  /** Folders of bona fide images used only to measure BPCER on other cameras (never trained on). */
  readonly checks: readonly string[];
}

export interface LivenessData {
  readonly samples: LivenessSample[];
  readonly splitParts: SplitPart[];
  /** sha256 over every part's file list and contents: the training data's identity. */
  readonly manifestSha256: string;
}

const IMAGE = /\.(jpe?g|png|pgm|gif)$|^subject\d+\.\w+$/i;

/**
 * The images of a folder grouped by identity (sub-folders, or the file name up to its first '.' or '_'), in name
 * order; identities are sampled by index (`keep`), and each gives as many images as keeps a folder near 300 images
 * (1 for LFW, 8 for ORL's 40 people), at most 10.
 */
function identityImages(dir: string, keep: (index: number) => boolean): { file: string; subject: string }[] {
  const root = statSync(join(dir, 'images'), { throwIfNoEntry: false })?.isDirectory() ? join(dir, 'images') : dir;
  const entries = readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const byIdentity = new Map<string, string[]>();
  for (const e of entries) {
    const files = e.isDirectory()
      ? readdirSync(join(root, e.name))
          .filter((n) => IMAGE.test(n))
          .sort()
          .map((n) => join(root, e.name, n))
      : e.isFile() && IMAGE.test(e.name)
        ? [join(root, e.name)]
        : [];
    const id = e.isDirectory() ? e.name : (/^[^._]+/.exec(e.name)?.[0] ?? e.name);
    const known = byIdentity.get(id);
    if (known) known.push(...files);
    else if (files.length > 0) byIdentity.set(id, files);
  }
  const perIdentity = Math.min(10, Math.max(1, Math.round(300 / Math.max(1, byIdentity.size))));
  return [...byIdentity.entries()]
    .filter((_, i) => keep(i))
    .flatMap(([subject, files]) => files.slice(0, perIdentity).map((file) => ({ file, subject })));
}

/**
 * The presentations to train and evaluate on: NUAA split by subject and session (checked against
 * calibration/splits/nuaa-train.json when its lists are the frozen ones), bona fide faces from another camera for
 * training, and bona fide check folders (identities disjoint from the training ones when it is the same folder).
 */
export function listLivenessData(o: LivenessDataOptions): Omit<LivenessData, 'samples'> & { samples: Omit<LivenessSample, 'crop'>[] } {
  const presentations = readAttackDataset(o.nuaa);
  const hashes = fileHashes(presentations.map((p) => p.file));
  const parts = nuaaParts(presentations, o.nuaa, hashes);
  const listSha256 = sha256(
    ['client_train_raw.txt', 'imposter_train_raw.txt'].map((f) => readFileSync(join(o.nuaa, f), 'utf8')).join('\n'),
  );
  const frozen = findSplit(listSha256);
  if (frozen) checkSplit(frozen, parts);
  const split = nuaaSplit(presentations);
  const samples: Omit<LivenessSample, 'crop'>[] = presentations.map((p) => ({
    file: p.file,
    part: nuaaPartOf(split, p),
    attack: p.attack,
    subject: p.subject,
    ...(p.sequence === undefined ? {} : { sequence: p.sequence, frame: p.frame }),
  }));
  const extra: SplitPart[] = [];
  const add = (dir: string, part: SamplePart, keep: (i: number) => boolean) => {
    const files = identityImages(dir, keep);
    if (files.length === 0) throw new DatasetError(`${dir} holds no face images (jpg, png, pgm, gif)`);
    const hashes = fileHashes(files.map((f) => f.file));
    for (const f of files) samples.push({ file: f.file, part, attack: false, subject: f.subject });
    extra.push({
      name: `${part}:${basename(dir)}`,
      identities: [...new Set(files.map((f) => f.subject))],
      images: files.length,
      sha256: sha256(files.map((f, i) => `${relative(dir, f.file)} ${hashes[i]}`).join('\n')),
    });
  };
  for (const dir of o.bonaFide) {
    add(dir, 'bona-fide', (i) => i % 4 === 2);
    add(dir, 'bona-fide-dev', (i) => i % 12 === 4);
  }
  // a check folder that is a bona fide folder too keeps to identities neither training nor dev saw
  for (const dir of o.checks) {
    const same = o.bonaFide.includes(dir);
    add(dir, `check:${basename(dir)}${same ? ' (unseen identities)' : ''}`, same ? (i) => i % 12 === 0 : () => true);
  }
  const splitParts = [...parts, ...extra];
  return { samples, splitParts, manifestSha256: sha256(splitParts.map((p) => `${p.name} ${p.images} ${p.sha256}`).join('\n')) };
}

/**
 * Finds the face in every sample's image and keeps its crop, the shipped nets' scores and its landmarks, and with
 * `textureSide` the LBP features of a crop of that side.
 */
export async function extractSamples(
  engine: FaceEngine,
  listed: readonly Omit<LivenessSample, 'crop'>[],
  onProgress: (done: number) => void = () => {},
  textureSide?: number,
): Promise<LivenessSample[]> {
  const out: LivenessSample[] = [];
  for (const s of listed) {
    const image = await decodeImageFile(s.file);
    const face = (await engine.analyze(image, { maxFaces: 1, embed: false, liveness: true })).faces[0];
    if (!face) out.push(s);
    else {
      const c = engine.livenessCrop(image, face, CROP_SIDE);
      const crop = new Float32Array(c.data.length);
      for (let i = 0; i < crop.length; i++) crop[i] = (c.data[i] as number) / 255;
      out.push({
        ...s,
        crop,
        ...(textureSide === undefined
          ? {}
          : { texture: lbpFeatures(Float32Array.from(engine.livenessCrop(image, face, textureSide).data), textureSide) }),
        ...(face.antispoof !== undefined ? { antispoof: face.antispoof } : {}),
        ...(face.liveness !== undefined ? { liveness: face.liveness } : {}),
        landmarks: face.landmarks,
        eyes: face.eyes,
      });
    }
    onProgress(out.length);
  }
  return out;
}

/** The samples with a face, as one crop set (label 1 = live). */
export function toCropSet(samples: readonly LivenessSample[]): CropSet {
  const withFace = samples.filter((s): s is LivenessSample & { crop: Float32Array } => s.crop !== undefined);
  const size = CROP_SIDE * CROP_SIDE * 3;
  const images = new Float32Array(withFace.length * size);
  withFace.forEach((s, i) => {
    images.set(s.crop, i * size);
  });
  return { images, labels: Uint8Array.from(withFace.map((s) => (s.attack ? 0 : 1))), side: CROP_SIDE };
}
