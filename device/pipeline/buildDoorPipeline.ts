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

/** The liveness score a frame needs: the trained model's probability, or the shipped antispoof score. */
export function minLiveness(config: Readonly<FacelockConfig>, liveThreshold: number): number {
  return config.liveness.model === 'trained' ? (config.liveness.minProbability ?? liveThreshold) : config.decision.minAntispoof;
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
  const score: LivenessScorer =
    config.liveness.model === 'trained'
      ? (image, face) => engine.liveProbability(image, face)
      : async (image, face) => (await engine.livenessScores(image, face)).antispoof;
  return Pipeline.start<FrameInput>()
    .andThen(motionStage(new MotionGate(config.motion), config.motion.width, config.motion.idleEvery, now))
    .andThen(decodeStage())
    .andThen(detectStage(engine))
    .andThen(qualityStage(engine, DOOR_QUALITY_LIMITS))
    .andThen(livenessStage(score))
    .andThen(embedStage(engine))
    .andThen(matchStage(templates, threshold));
}
