import { readFileSync } from 'node:fs';
import { DatasetError } from '../common/errors.js';
import { sha256 } from '../common/hashing.js';
import type { DoorLivenessCalibration } from '../device/door/calibrationFile.js';
import type { TemplateKey } from '../device/store/templateCipher.js';
import type { FaceEngine } from '../model/faceEngine.js';
import { decodeImage } from '../model/image/decodeImage.js';
import { DOOR_PAD_FEATURES } from '../model/liveness/doorPadFeatures.js';
import { fitPadHead } from './padHead.js';
import { measurePad, type PadMeasurement } from './padMeasure.js';
import type { PartPresentation } from './presentationSet.js';
import { type PresentationFeatures, readSealedPresentations, writeSealedPresentations } from './sealedPresentations.js';

export interface DoorLivenessOptions {
  /** Where the door's presentations are kept, as features, sealed under the template key. */
  readonly sealedFile: string;
  readonly key: TemplateKey;
  /** Forget the presentations kept from earlier calibrations. */
  readonly fresh: boolean;
  readonly targetBpcer: number;
  readonly rule: { readonly k: number; readonly n: number };
  readonly lambdas: readonly number[];
  readonly folds: number;
  /** Told before the head is fitted (the long step: a logistic regression per L2 strength and fold). */
  readonly onFitting?: (frames: number, heldApartBy: 'person' | 'recording') => void;
}

export interface DoorLivenessResult {
  readonly record: DoorLivenessCalibration;
  readonly measurement: PadMeasurement;
  /** Frames with no face, by species ('live' for bona fide): not used, and said. */
  readonly noFace: Readonly<Record<string, number>>;
  readonly frames: number;
  readonly reused: number;
  /** What was held apart when the threshold was chosen: people (named by the folders) or recordings. */
  readonly heldApartBy: 'person' | 'recording';
  readonly people: number;
  readonly discarded?: string;
}

/** Features of every frame with a face (the frame's largest face), in the order given. */
export async function presentationFeatures(
  engine: FaceEngine,
  presentations: readonly PartPresentation[],
  progress: (done: number, total: number) => void,
): Promise<{ frames: PresentationFeatures[]; noFace: Record<string, number> }> {
  const frames: PresentationFeatures[] = [];
  const noFace: Record<string, number> = {};
  let done = 0;
  for (const p of presentations) {
    const bytes = readFileSync(p.file);
    const image = await decodeImage(bytes, p.file);
    const face = (await engine.analyze(image, { maxFaces: 1, embed: false, liveness: false })).faces[0];
    const species = p.attack ? (p.species ?? 'unnamed') : null;
    if (face)
      frames.push({
        recording: p.sequence ?? p.file,
        person: p.subject,
        species,
        image: sha256(bytes),
        features: engine.doorPadFeatures(image, face),
      });
    else noFace[species ?? 'live'] = (noFace[species ?? 'live'] ?? 0) + 1;
    progress(++done, presentations.length);
  }
  return { frames, noFace };
}

/**
 * The door learns its own camera: the presentations' features join those kept from earlier calibrations (sealed),
 * a head is fitted with every person (or, unnamed, every recording) scored by a fold that never saw them, the threshold is chosen for the target
 * BPCER on those held-apart scores, and the held-apart rates per species say what the head does and what could not
 * be measured.
 */
export async function calibrateDoorLiveness(
  engine: FaceEngine,
  presentations: readonly PartPresentation[],
  o: DoorLivenessOptions,
  progress: (done: number, total: number) => void,
): Promise<DoorLivenessResult> {
  const { frames, noFace } = await presentationFeatures(engine, presentations, progress);
  return fitDoorLiveness(engine.info.modelHashes, frames, noFace, o);
}

/** Joins new frames to the kept ones, seals them all, fits and measures the head (calibrateDoorLiveness says how). */
export function fitDoorLiveness(
  modelHashes: Readonly<Record<string, string>>,
  fresh: readonly PresentationFeatures[],
  noFace: Readonly<Record<string, number>>,
  o: DoorLivenessOptions,
): DoorLivenessResult {
  const kept = o.fresh ? { frames: [] } : readSealedPresentations(o.sealedFile, o.key, DOOR_PAD_FEATURES);
  const seen = new Set(fresh.map((f) => f.image));
  const frames = [...kept.frames.filter((f) => !seen.has(f.image)), ...fresh];
  const recordings = (species: string | null) => new Set(frames.filter((f) => f.species === species).map((f) => f.recording)).size;
  const liveRecordings = recordings(null);
  const attackRecordings = new Set(frames.filter((f) => f.species !== null).map((f) => f.recording)).size;
  if (liveRecordings < 2 || attackRecordings < 2)
    throw new DatasetError(
      `a door calibration needs at least 2 live and 2 attack recordings with a face (live ${liveRecordings}, attack ${attackRecordings}; frames without a face: ${JSON.stringify(noFace)}): show more`,
    );
  writeSealedPresentations(o.sealedFile, o.key, DOOR_PAD_FEATURES, frames);
  const labels = Uint8Array.from(frames.map((f) => (f.species === null ? 1 : 0)));
  // people held apart where the folders name at least three (a new person is what the door will meet), else recordings
  const people = new Set(frames.map((f) => f.person)).size;
  const heldApartBy = people >= 3 ? 'person' : 'recording';
  o.onFitting?.(frames.length, heldApartBy);
  const fit = fitPadHead(
    frames.map((f) => f.features),
    labels,
    frames.map((f) => (heldApartBy === 'person' ? f.person : f.recording)),
    { lambdas: o.lambdas, targetBpcer: o.targetBpcer, folds: o.folds },
  );
  const order = new Map<string, number>();
  const scored = frames.map((f, i) => {
    const n = order.get(f.recording) ?? 0;
    order.set(f.recording, n + 1);
    return {
      attack: f.species !== null,
      ...(f.species ? { species: f.species } : {}),
      sequence: f.recording,
      frame: n,
      score: fit.heldApart[i],
    };
  });
  const measurement = measurePad(scored, fit.head.threshold, o.rule);
  const counts = (r: PadMeasurement['frame']) => ({
    bpcer: { count: r.bpcer.count, of: r.bpcer.of },
    species: Object.fromEntries(r.species.map((s) => [s.species, { count: s.apcer.count, of: s.apcer.of }])),
  });
  const speciesNames = [...new Set(frames.map((f) => f.species ?? 'live'))].sort();
  const record: DoorLivenessCalibration = {
    features: DOOR_PAD_FEATURES,
    head: { model: fit.head.model, lambda: fit.head.lambda, temperature: fit.head.temperature },
    threshold: fit.head.threshold,
    targetBpcer: o.targetBpcer,
    modelHashes,
    measured: {
      frame: counts(measurement.frame),
      approach: counts(measurement.approach),
      tooFew: measurement.tooFew,
      recordings: Object.fromEntries(speciesNames.map((s) => [s, recordings(s === 'live' ? null : s)])),
    },
    createdAt: new Date().toISOString(),
  };
  return {
    record,
    measurement,
    noFace,
    frames: frames.length,
    reused: frames.length - fresh.length,
    heldApartBy,
    people,
    ...(kept.discarded ? { discarded: kept.discarded } : {}),
  };
}
