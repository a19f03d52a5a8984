import { createHash } from 'node:crypto';
import { ImageError } from '../common/errors.js';
import { decodeFrame } from '../device/camera/decodeFrame.js';
import { nextFrameBefore } from '../device/camera/nextFrameBefore.js';
import type { Camera, Frame } from '../device/ports.js';
import type { FaceEngine } from '../model/faceEngine.js';
import type { RgbImage } from '../model/image/rgbImage.js';
import type { PresentationFeatures } from './sealedPresentations.js';

/** What the door asks the owner to show, in order; `live` is the owner's own face. */
export const GUIDED_STEPS: Readonly<Record<string, string>> = {
  live: 'stand in front of the door and look at the camera, moving a little as you would when arriving',
  print: 'hold a printed photo of a face (yours, or anyone’s) in front of the camera, tilting it a little',
  'phone-photo': 'show the camera a phone displaying a photo of a face, moving it a little',
  'phone-video': 'show the camera a phone playing a video of a face',
  'tablet-photo': 'show the camera a tablet displaying a photo of a face',
  'tablet-video': 'show the camera a tablet playing a video of a face',
};

export interface GuideOptions {
  readonly species: readonly string[];
  /** Frames with a face wanted per step (about 10 s at 5 frames a second looked at). */
  readonly framesPerStep: number;
  /** How long one try of a step may take before it is refused for showing no face. */
  readonly stepSeconds: number;
  /** Tries of a step that saw no face before it is given up (and said). */
  readonly tries: number;
  /** Seconds to get the photo or phone ready after the prompt. */
  readonly countdown: number;
  /** Whose face the live step shows (and the attacks depict), for the folds by person. */
  readonly person: string;
}

export interface GuideResult {
  readonly frames: PresentationFeatures[];
  readonly noFace: Record<string, number>;
  /** Steps given up after their tries saw no face. */
  readonly missing: string[];
}

const bar = (done: number, of: number) => `[${'#'.repeat(Math.round((20 * done) / of)).padEnd(20, '.')}] ${done}/${of}`;

/**
 * The door learns its camera with the owner: for each step a prompt, a countdown, then frames until enough show a face,
 * with a progress bar; a try that sees no face in its time is refused and tried again. Only features are kept (the
 * frames are decoded, measured and dropped), each step one recording.
 */
export async function guidedPresentations(
  camera: Camera,
  engine: FaceEngine,
  o: GuideOptions,
  say: (text: string) => void,
  signal?: AbortSignal,
): Promise<GuideResult> {
  const abort = new AbortController();
  signal?.addEventListener('abort', () => abort.abort(), { once: true });
  const frames = camera.frames(abort.signal)[Symbol.asyncIterator]();
  const out: PresentationFeatures[] = [];
  const noFace: Record<string, number> = {};
  const missing: string[] = [];
  const stamp = Date.now();
  try {
    for (const species of o.species) {
      const recording = `${species}/${o.person}--guided-${stamp}`;
      let kept = 0;
      for (let attempt = 1; attempt <= o.tries && kept === 0 && !abort.signal.aborted; attempt++) {
        say(`${attempt > 1 ? `again (${attempt}/${o.tries}): ` : ''}${GUIDED_STEPS[species] ?? `show the camera a ${species}`}`);
        if (o.countdown > 0) {
          say(`  starting in ${o.countdown} s...`);
          await new Promise((r) => setTimeout(r, o.countdown * 1000));
        }
        const deadline = Date.now() + o.stepSeconds * 1000;
        let lastComplaint = 0;
        while (kept < o.framesPerStep && Date.now() < deadline) {
          const frame = await nextFrameBefore(frames, deadline);
          if (!frame) break;
          const features = await featuresOf(engine, frame);
          if (!features) {
            noFace[species] = (noFace[species] ?? 0) + 1;
            if (Date.now() - lastComplaint > 1000) {
              lastComplaint = Date.now();
              say('  no face seen: hold it so that the face fills about a quarter of the picture');
            }
            continue;
          }
          out.push({
            recording,
            person: o.person,
            species: species === 'live' ? null : species,
            image: features.image,
            features: features.x,
          });
          kept++;
          if (kept === o.framesPerStep || kept % Math.max(1, Math.round(o.framesPerStep / 5)) === 0) say(`  ${bar(kept, o.framesPerStep)}`);
        }
        if (kept === 0) say(`  refused: no face seen in ${o.stepSeconds} s`);
      }
      if (kept === 0) missing.push(species);
    }
  } finally {
    abort.abort();
    await frames.return?.();
  }
  return { frames: out, noFace, missing };
}

async function featuresOf(engine: FaceEngine, frame: Frame): Promise<{ x: Float32Array; image: string } | undefined> {
  let image: RgbImage;
  try {
    image = await decodeFrame(frame);
  } catch (err) {
    if (err instanceof ImageError) return undefined;
    throw err;
  }
  const face = (await engine.analyze(image, { maxFaces: 1, embed: false, liveness: false })).faces[0];
  if (!face) return undefined;
  return { x: engine.doorPadFeatures(image, face), image: createHash('sha256').update(frame.data).digest('hex') };
}
