import { ConfigError } from '../../common/errors.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import { type DoorPadHead, doorPadProbability } from '../../model/liveness/doorPadFeatures.js';
import { DOOR_QUALITY_LIMITS } from '../../model/quality/qualityGate.js';
import type { FacelockConfig } from '../config/configSchema.js';
import {
  type DoorTemplate,
  decodeStage,
  detectStage,
  embedStage,
  type FaceThresholds,
  type FrameInput,
  type FrameProgress,
  type LivenessScorer,
  livenessStage,
  type Matched,
  matchStage,
  motionStage,
  qualityStage,
} from './doorStages.js';
import type { FaceTracker } from './faceTracker.js';
import { MotionGate } from './motionGate.js';
import { Pipeline } from './pipeline.js';

/** The liveness model the door runs: the configured one, with `auto` resolved by the calibration file. */
export type DoorLivenessModel = 'door' | 'texture' | 'trained' | 'shipped';

/**
 * `auto` is the door's own head when the calibration file has one, else the texture model; `door` without a door
 * calibration is a configuration error.
 */
export function resolveLivenessModel(
  config: Readonly<FacelockConfig>,
  calibration?: { readonly doorLiveness?: unknown },
): DoorLivenessModel {
  const model = config.liveness.model;
  if (model === 'auto') return calibration?.doorLiveness ? 'door' : 'texture';
  if (model === 'door' && !calibration?.doorLiveness)
    throw new ConfigError(
      'liveness.model is door but the calibration file has no door liveness head: run `facelock calibrate liveness --presentations DIR` (or set decision.calibrationFile to the file it wrote)',
    );
  return model;
}

/**
 * The liveness score a frame needs: liveness.minProbability when set, else the door's own threshold (door model),
 * else the calibration file's threshold when it was measured for the configured model, else the model's own (chosen in
 * training); the shipped antispoof score needs decision.minAntispoof.
 */
export function minLiveness(
  config: Readonly<FacelockConfig>,
  engine: Pick<FaceEngine, 'liveThreshold' | 'passiveThreshold'>,
  /** The calibration file's liveness records (device/door/calibrationFile.ts), when it has them. */
  calibration?: {
    readonly liveness?: { readonly model: string; readonly threshold: number };
    readonly doorLiveness?: { readonly threshold: number };
  },
): { threshold: number; from: 'config' | 'calibration' | 'model' | 'door-calibration' } {
  const model = resolveLivenessModel(config, calibration);
  if (model === 'shipped') return { threshold: config.decision.minAntispoof, from: 'config' };
  if (config.liveness.minProbability !== undefined) return { threshold: config.liveness.minProbability, from: 'config' };
  if (model === 'door' && calibration?.doorLiveness) return { threshold: calibration.doorLiveness.threshold, from: 'door-calibration' };
  if (calibration?.liveness?.model === model) return { threshold: calibration.liveness.threshold, from: 'calibration' };
  return { threshold: model === 'texture' ? engine.liveThreshold : engine.passiveThreshold, from: 'model' };
}

/** The liveness score of a frame, by the door's liveness model (the door's own head needs its calibration). */
export function livenessScorer(
  model: DoorLivenessModel,
  engine: FaceEngine,
  door?: Pick<DoorPadHead, 'model' | 'temperature'>,
): LivenessScorer {
  switch (model) {
    case 'door':
      if (!door) throw new ConfigError('the door liveness model needs the door calibration: run `facelock calibrate liveness`');
      return async (image, face) => doorPadProbability(door, engine.doorPadFeatures(image, face));
    case 'texture':
      return (image, face) => engine.liveProbability(image, face);
    case 'trained':
      return (image, face) => engine.passiveProbability(image, face);
    case 'shipped':
      return async (image, face) => (await engine.livenessScores(image, face)).antispoof;
  }
}

/**
 * camera frame -> motion -> decode -> detect -> quality -> liveness -> embed -> match, as the daemon runs it: the door's
 * quality limits (looser than enrollment's), the colour and grey thresholds from calibration, and with a tracker an
 * accepted face followed into the next frames without the detector (engine.trackFrames).
 */
export function buildDoorPipeline(
  engine: FaceEngine,
  config: Readonly<FacelockConfig>,
  templates: () => readonly DoorTemplate[],
  thresholds: FaceThresholds,
  now: () => number = Date.now,
  liveness: { readonly model: DoorLivenessModel; readonly door?: Pick<DoorPadHead, 'model' | 'temperature'> } = {
    model: resolveLivenessModel(config),
  },
  /** The faces the door accepted, to follow into the next frames (the door service keeps them); none: detect always. */
  tracker?: FaceTracker,
): Pipeline<FrameInput, Matched, FrameProgress> {
  const score = livenessScorer(liveness.model, engine, liveness.door);
  return Pipeline.start<FrameInput>()
    .andThen(motionStage(new MotionGate(config.motion), config.motion.width, config.motion.idleEvery, now))
    .andThen(decodeStage())
    .andThen(detectStage(engine, tracker))
    .andThen(qualityStage(engine, DOOR_QUALITY_LIMITS))
    .andThen(livenessStage(score))
    .andThen(embedStage(engine))
    .andThen(matchStage(templates, thresholds));
}
