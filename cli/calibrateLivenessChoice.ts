import { existsSync } from 'node:fs';
import type { LiveScore } from '../calibration/runCalibration.js';
import { UsageError } from '../common/errors.js';
import type { FacelockConfig } from '../device/config/configSchema.js';
import { type CalibratedLiveness, readCalibrationJson } from '../device/door/calibrationFile.js';
import { passiveModelMeta } from '../model/liveness/passive/passiveModelFile.js';
import { textureModelMeta } from '../model/liveness/texture/textureModelFile.js';
import { MODELS } from '../model/manifest.js';

/**
 * The factory liveness model `calibrate --attacks` measures: the configured one, `auto` being the texture model; the
 * door's own head is measured by `facelock calibrate liveness`, on held-apart recordings of the door's camera.
 */
export function factoryLivenessModel(config: FacelockConfig): CalibratedLiveness['model'] {
  const model = config.liveness.model;
  if (model === 'door')
    throw new UsageError(
      'calibrate --attacks measures the factory liveness models; the door’s own head is measured by `facelock calibrate liveness --presentations DIR` (or give a --config whose liveness.model is texture or auto)',
    );
  return model === 'auto' ? 'texture' : model;
}

/** The door liveness record of an existing calibration file, to carry over when the file is written again. */
export function existingDoorLiveness(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return readCalibrationJson(file).doorLiveness;
  } catch {
    return undefined; // a damaged file is written anew: nothing in it can be kept
  }
}

/** What each layout's headline part is, for the summary line. */
export const HEADLINE_PARTS: Readonly<Record<string, string>> = {
  dev: 'NUAA: people and a session the factory models were never trained on',
  devel: 'Replay-Attack: people and a camera the factory models were never trained on',
  door: "the door's own presentations",
};

/** The liveness score and threshold the door uses with this config (liveness.model, liveness.minProbability). */
export async function doorLiveness(config: FacelockConfig): Promise<{ liveScore: LiveScore; liveThreshold: number }> {
  switch (factoryLivenessModel(config)) {
    case 'texture':
      return {
        liveScore: 'live',
        liveThreshold: config.liveness.minProbability ?? (await textureModelMeta(MODELS.textureLiveness)).threshold,
      };
    case 'trained':
      return {
        liveScore: 'passive',
        liveThreshold: config.liveness.minProbability ?? (await passiveModelMeta(MODELS.passiveLiveness)).threshold,
      };
    case 'shipped':
      return { liveScore: 'antispoof', liveThreshold: config.decision.minAntispoof };
  }
}
