import type { FaceEngine } from '../../model/faceEngine.js';
import { DOOR_QUALITY_LIMITS } from '../../model/quality/qualityGate.js';
import type { FacelockConfig } from '../config/configSchema.js';
import {
  type DoorTemplate,
  decodeStage,
  detectStage,
  embedStage,
  type FrameInput,
  type FrameProgress,
  type LivenessScorer,
  livenessStage,
  type Matched,
  matchStage,
  motionStage,
  qualityStage,
} from './doorStages.js';
import { MotionGate } from './motionGate.js';
import { Pipeline } from './pipeline.js';

/**
 * The liveness score a frame needs: liveness.minProbability when set, else the calibration file's threshold when it
 * was measured for the configured model, else the model's own (chosen in training); the shipped antispoof score
 * needs decision.minAntispoof.
 */
export function minLiveness(
  config: Readonly<FacelockConfig>,
  engine: Pick<FaceEngine, 'liveThreshold' | 'passiveThreshold'>,
  /** The calibration file's liveness record (device/door/calibrationFile.ts), when it has one. */
  calibration?: { readonly liveness?: { readonly model: string; readonly threshold: number } },
): { threshold: number; from: 'config' | 'calibration' | 'model' } {
  const model = config.liveness.model;
  if (model === 'shipped') return { threshold: config.decision.minAntispoof, from: 'config' };
  if (config.liveness.minProbability !== undefined) return { threshold: config.liveness.minProbability, from: 'config' };
  if (calibration?.liveness?.model === model) return { threshold: calibration.liveness.threshold, from: 'calibration' };
  return { threshold: model === 'texture' ? engine.liveThreshold : engine.passiveThreshold, from: 'model' };
}

/** The liveness score of a frame, by the configured model. */
export function livenessScorer(config: Readonly<FacelockConfig>, engine: FaceEngine): LivenessScorer {
  switch (config.liveness.model) {
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
 * quality limits (looser than enrollment's), the threshold from calibration.
 */
export function buildDoorPipeline(
  engine: FaceEngine,
  config: Readonly<FacelockConfig>,
  templates: () => readonly DoorTemplate[],
  threshold: number,
  now: () => number = Date.now,
): Pipeline<FrameInput, Matched, FrameProgress> {
  const score = livenessScorer(config, engine);
  return Pipeline.start<FrameInput>()
    .andThen(motionStage(new MotionGate(config.motion), config.motion.width, config.motion.idleEvery, now))
    .andThen(decodeStage())
    .andThen(detectStage(engine))
    .andThen(qualityStage(engine, DOOR_QUALITY_LIMITS))
    .andThen(livenessStage(score))
    .andThen(embedStage(engine))
    .andThen(matchStage(templates, threshold));
}
