import type { FaceEngine } from '../../model/faceEngine.js';
import type { FacelockConfig } from '../config/configSchema.js';
import {
  type DoorLimits,
  type DoorTemplate,
  decodeStage,
  detectStage,
  embedStage,
  type FrameContext,
  type LivenessScorer,
  livenessStage,
  matchStage,
  motionStage,
  qualityStage,
} from './doorStages.js';
import { MotionGate } from './motionGate.js';
import type { Stage } from './stageRunner.js';

/** Door quality limits: looser than enrollment's (people walk up, light changes), the threshold from calibration. */
export function doorLimits(config: Readonly<FacelockConfig>, threshold: number, liveThreshold: number): DoorLimits {
  return {
    minFaceSize: 50,
    minLuminance: 30,
    maxLuminance: 230,
    minSharpness: 10,
    maxYaw: 45,
    maxPitch: 35,
    minLiveness: config.liveness.model === 'trained' ? (config.liveness.minProbability ?? liveThreshold) : config.decision.minAntispoof,
    threshold,
  };
}

/** camera frame -> motion -> decode -> detect -> quality -> liveness -> embed -> match, as the daemon runs it. */
export function buildDoorStages(
  engine: FaceEngine,
  config: Readonly<FacelockConfig>,
  templates: () => readonly DoorTemplate[],
  threshold: number,
  now: () => number = Date.now,
): Stage<FrameContext>[] {
  const limits = doorLimits(config, threshold, engine.liveThreshold);
  const score: LivenessScorer =
    config.liveness.model === 'trained'
      ? (image, face) => engine.liveProbability(image, face)
      : async (image, face) => (await engine.livenessScores(image, face)).antispoof;
  return [
    motionStage(new MotionGate(config.motion), config.motion.width, config.motion.idleEvery, now),
    decodeStage(),
    detectStage(engine),
    qualityStage(engine, limits),
    livenessStage(score, limits),
    embedStage(engine),
    matchStage(templates, limits),
  ];
}
