import { readFileSync } from 'node:fs';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ProbabilityModel } from '../../common/scoreCalibration.js';
import { calibrationBoundsProblem, defaultThreshold } from '../../model/defaultThresholds.js';

export const CALIBRATION_FORMAT = 'facelock-calibration/1';

/** What `facelock calibrate` writes and the daemon reads. */
export interface CalibrationFile {
  readonly format: typeof CALIBRATION_FORMAT;
  readonly embedder: string;
  /** Per-frame cosine threshold: accept when the score is above it. */
  readonly threshold: number;
  readonly targetFar: number;
  /** The fusion the door-level rates were simulated for. */
  readonly fusion: { readonly k: number; readonly n: number };
  /** Score -> probability of the same person (fitted on balanced pairs: prior 0.5). */
  readonly probability: ProbabilityModel;
  /** sha256 of every model file, by `package@version/path`: the daemon refuses the file for other models. */
  readonly modelHashes: Readonly<Record<string, string>>;
  readonly data: { readonly dir: string; readonly listSha256: string; readonly manifestSha256: string; readonly split: string | null };
  /** Measured on held-out folds with thresholds chosen on the others. */
  readonly heldOut: { readonly tar: number; readonly far: number };
  readonly door: { readonly far: number; readonly frr: number };
  /**
   * The liveness operating point `facelock calibrate --attacks` measured: the model, the threshold the door uses
   * with it, and the rates on the headline part (counts of presentations; approach = k of n consecutive frames).
   */
  readonly liveness?: CalibratedLiveness;
  readonly createdAt: string;
  readonly gitCommit: string;
}

export interface CalibratedLiveness {
  readonly model: 'texture' | 'trained' | 'shipped';
  readonly threshold: number;
  readonly part: string;
  readonly frame: { readonly worstApcer: Count; readonly bpcer: Count };
  readonly approach: { readonly worstApcer: Count; readonly bpcer: Count } | null;
}

type Count = { readonly count: number; readonly of: number };

/** The part of the calibration the daemon uses. */
export interface OperatingCalibration {
  readonly threshold: number;
  readonly probability?: ProbabilityModel;
  /** The liveness threshold the calibration measured, for the model it was measured with. */
  readonly liveness?: { readonly model: CalibratedLiveness['model']; readonly threshold: number };
}

/**
 * The operating threshold: from the calibration file when configured (refused when made for other model files),
 * else the documented default with a warning.
 */
export function loadOperatingCalibration(
  file: string | undefined,
  embedder: string,
  modelHashes: Readonly<Record<string, string>>,
  log: Logger,
): OperatingCalibration {
  if (!file) {
    const t = defaultThreshold(embedder);
    log.warn(
      'no calibration file: using the default threshold measured on lfw-dev (FAR 1e-4 per frame); run facelock calibrate for your camera',
      { threshold: t },
    );
    return { threshold: t };
  }
  let cal: Partial<CalibrationFile>;
  try {
    cal = JSON.parse(readFileSync(file, 'utf8')) as Partial<CalibrationFile>;
  } catch (err) {
    throw new ConfigError(`calibration file ${file} cannot be read as JSON: ${(err as Error).message}`, { cause: err });
  }
  if (cal.embedder !== embedder) {
    throw new ConfigError(`calibration file ${file} is for embedder ${cal.embedder}; this engine uses ${embedder}: recalibrate`);
  }
  const problem = calibrationBoundsProblem(embedder, cal.threshold, cal.targetFar);
  if (problem !== undefined || typeof cal.threshold !== 'number')
    throw new ConfigError(`calibration file ${file}: ${problem}; the file was edited or damaged: run facelock calibrate again`);
  const differing = Object.keys(modelHashes).filter((k) => cal.modelHashes?.[k] !== modelHashes[k]);
  if (differing.length > 0) {
    throw new ConfigError(
      `calibration file ${file} was made for other model files (${differing.join(', ')}): run facelock calibrate again for these models`,
    );
  }
  log.info('calibration loaded', { file, threshold: cal.threshold, targetFar: cal.targetFar, made: cal.createdAt });
  const l = cal.liveness;
  if (l !== undefined && !(['texture', 'trained', 'shipped'].includes(l.model) && l.threshold > 0 && l.threshold < 1))
    throw new ConfigError(
      `calibration file ${file}: its liveness threshold must be in (0, 1) for a known model: run facelock calibrate again`,
    );
  return {
    threshold: cal.threshold,
    ...(cal.probability ? { probability: cal.probability } : {}),
    ...(l ? { liveness: { model: l.model, threshold: l.threshold } } : {}),
  };
}
