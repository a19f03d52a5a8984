import type { Logger } from '../../common/logger.js';
import { DEFAULT_GREY_THRESHOLDS } from '../../model/defaultThresholds.js';
import type { EmbedderName } from '../../model/loadFaceEngine.js';
import type { FacelockConfig } from '../config/configSchema.js';
import type { OperatingCalibration } from '../door/calibrationFile.js';
import type { FaceThresholds } from '../pipeline/doorStages.js';
import { hasInfraredCamera } from './livenessTier.js';

/**
 * The door's two operating points. Grey: the calibration's grey threshold; without one, the stricter of the colour
 * threshold and the factory grey threshold (a colour threshold lets strangers' grey faces through: calibrate --grey).
 * An infrared camera judges every frame grey; a colour camera judges colourless faces grey. Logged, and a grey camera
 * without its own operating point warns.
 */
export function faceThresholds(
  config: Readonly<FacelockConfig>,
  calibration: OperatingCalibration,
  embedder: string,
  log: Logger,
): FaceThresholds {
  const greyCamera = hasInfraredCamera(config);
  const factory = DEFAULT_GREY_THRESHOLDS[embedder as EmbedderName];
  const grey = calibration.greyThreshold ?? Math.max(calibration.threshold, factory ?? calibration.threshold);
  const from =
    calibration.greyThreshold !== undefined ? 'calibration' : factory !== undefined ? 'stricter of colour and factory grey' : 'colour';
  log.info('operating points', {
    camera: greyCamera ? 'grey (infrared): every frame at the grey threshold' : 'colour: colourless faces at the grey threshold',
    colour: calibration.threshold,
    grey,
    greyFrom: from,
  });
  if (greyCamera && calibration.greyThreshold === undefined)
    log.warn(
      'a grey camera with only a colour calibration: strangers match grey faces more often at a colour threshold, so the stricter threshold is used; run facelock calibrate --pairs DIR --grey for its own',
      { threshold: grey },
    );
  return { colour: calibration.threshold, grey, greyCamera };
}
