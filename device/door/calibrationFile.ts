import { readFileSync } from 'node:fs';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { defaultThreshold } from '../../model/defaultThresholds.js';

/** The part of a calibration file the daemon reads: the threshold and the models it was measured for. */
export interface Calibration {
  readonly embedder: string;
  readonly threshold: number;
  readonly modelHashes: Readonly<Record<string, string>>;
}

/**
 * The operating threshold: from the calibration file when configured (refused when made for other model files),
 * else the documented default with a warning.
 */
export function operatingThreshold(
  file: string | undefined,
  embedder: string,
  modelHashes: Readonly<Record<string, string>>,
  log: Logger,
): number {
  if (!file) {
    const t = defaultThreshold(embedder);
    log.warn(
      'no calibration file: using the default threshold measured on lfw-dev (FAR 1e-4 per frame); run facelock calibrate for your camera',
      { threshold: t },
    );
    return t;
  }
  let cal: Calibration;
  try {
    cal = JSON.parse(readFileSync(file, 'utf8')) as Calibration;
  } catch (err) {
    throw new ConfigError(`calibration file ${file} cannot be read as JSON: ${(err as Error).message}`, { cause: err });
  }
  if (cal.embedder !== embedder || typeof cal.threshold !== 'number' || !(cal.threshold > -1 && cal.threshold < 1)) {
    throw new ConfigError(
      `calibration file ${file} is for embedder ${cal.embedder} with threshold ${cal.threshold}; this engine uses ${embedder}: recalibrate`,
    );
  }
  const differing = Object.keys(modelHashes).filter((k) => cal.modelHashes?.[k] !== modelHashes[k]);
  if (differing.length > 0) {
    throw new ConfigError(
      `calibration file ${file} was made for other model files (${differing.join(', ')}): run facelock calibrate again for these models`,
    );
  }
  log.info('calibration loaded', { file, threshold: cal.threshold });
  return cal.threshold;
}
