import { readFileSync } from 'node:fs';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ProbabilityModel } from '../../common/scoreCalibration.js';
import { calibrationBoundsProblem, defaultThreshold } from '../../model/defaultThresholds.js';
import { DOOR_PAD_DIMENSIONS, DOOR_PAD_FEATURES } from '../../model/liveness/doorPadFeatures.js';
import type { LinearModel } from '../../model/liveness/texture/linearModel.js';

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
  /** A grey camera's own operating point (`facelock calibrate --grey`): the same faces turned grey. */
  readonly grey?: GreyOperatingPoint;
  /**
   * The liveness operating point `facelock calibrate --attacks` measured: the model, the threshold the door uses
   * with it, and the rates on the headline part (counts of presentations; approach = k of n consecutive frames).
   */
  readonly liveness?: CalibratedLiveness;
  /** The door's own presentation-attack head (`facelock calibrate liveness`), fitted on its camera's presentations. */
  readonly doorLiveness?: DoorLivenessCalibration;
  readonly createdAt: string;
  readonly gitCommit: string;
}

/** The threshold for frames of a grey camera (infrared, or colourless frames), measured on faces turned grey. */
export interface GreyOperatingPoint {
  readonly cameraMode: 'grey';
  readonly threshold: number;
  /** Which grey data asked for it: the pairs turned grey, or a grey dataset (yale, orl) whose pairs needed more. */
  readonly from: string;
  readonly targetFar: number;
  readonly heldOut: { readonly tar: number; readonly far: number };
  readonly door: { readonly far: number; readonly frr: number };
  /** What the colour threshold let through on the same grey pairs (why a grey camera needs its own). */
  readonly colourThresholdFar: number;
}

/** A door's own liveness calibration: the head over the factory features, its threshold and what it was measured at. */
export interface DoorLivenessCalibration {
  readonly features: string;
  readonly head: { readonly model: LinearModel; readonly lambda: number; readonly temperature: number };
  /** p(live) at or above which a frame counts as live, chosen on held-apart recordings for `targetBpcer`. */
  readonly threshold: number;
  readonly targetBpcer: number;
  /** sha256 of the model files that place the face crop the features are read from. */
  readonly modelHashes: Readonly<Record<string, string>>;
  /** Held-apart rates (each recording scored by a head that never saw it), per frame and per approach. */
  readonly measured: {
    readonly frame: { readonly bpcer: Count; readonly species: Readonly<Record<string, Count>> };
    readonly approach: { readonly bpcer: Count; readonly species: Readonly<Record<string, Count>> };
    readonly tooFew: readonly string[];
    readonly recordings: Readonly<Record<string, number>>;
  };
  readonly createdAt: string;
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
  /** The grey camera's threshold, when the calibration measured one (`facelock calibrate --grey`). */
  readonly greyThreshold?: number;
  readonly probability?: ProbabilityModel;
  /** The liveness threshold the calibration measured, for the model it was measured with. */
  readonly liveness?: { readonly model: CalibratedLiveness['model']; readonly threshold: number };
  /** The door's own presentation-attack head, when `facelock calibrate liveness` made one for these models. */
  readonly doorLiveness?: DoorLivenessCalibration;
}

/** A calibration file as JSON, unchecked; a file that is not JSON is a config error naming it (and `fix`, when given). */
export function readCalibrationJson(file: string, fix?: string): Partial<CalibrationFile> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<CalibrationFile>;
  } catch (err) {
    throw new ConfigError(`calibration file ${file} cannot be read as JSON: ${(err as Error).message}${fix ? `: ${fix}` : ''}`, {
      cause: err,
    });
  }
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
  const cal = readCalibrationJson(file);
  const door = checkedDoorLiveness(cal.doorLiveness, file, modelHashes);
  if (cal.embedder === undefined && cal.threshold === undefined) {
    const t = defaultThreshold(embedder);
    log.warn('the calibration file holds no face threshold: using the default measured on lfw-dev; run facelock calibrate --pairs', {
      threshold: t,
    });
    return { threshold: t, ...(door ? { doorLiveness: door } : {}) };
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
  const grey = cal.grey;
  if (grey !== undefined) {
    const greyProblem = calibrationBoundsProblem(embedder, grey.threshold, grey.targetFar);
    if (greyProblem !== undefined || grey.cameraMode !== 'grey')
      throw new ConfigError(
        `calibration file ${file}: its grey operating point: ${greyProblem ?? 'not for a grey camera'}: run facelock calibrate --grey again`,
      );
  }
  log.info('calibration loaded', {
    file,
    threshold: cal.threshold,
    greyThreshold: grey?.threshold ?? null,
    targetFar: cal.targetFar,
    made: cal.createdAt,
  });
  const l = cal.liveness;
  if (l !== undefined && !(['texture', 'trained', 'shipped'].includes(l.model) && l.threshold > 0 && l.threshold < 1))
    throw new ConfigError(
      `calibration file ${file}: its liveness threshold must be in (0, 1) for a known model: run facelock calibrate again`,
    );
  return {
    threshold: cal.threshold,
    ...(grey ? { greyThreshold: grey.threshold } : {}),
    ...(cal.probability ? { probability: cal.probability } : {}),
    ...(l ? { liveness: { model: l.model, threshold: l.threshold } } : {}),
    ...(door ? { doorLiveness: door } : {}),
  };
}

/**
 * The door's own liveness head, checked: made for these model files and these features, with a head of the right
 * size and a threshold in (0, 1). A stale or damaged one is refused with the command that makes it again.
 */
export function checkedDoorLiveness(
  d: DoorLivenessCalibration | undefined,
  file: string,
  modelHashes: Readonly<Record<string, string>>,
): DoorLivenessCalibration | undefined {
  if (d === undefined) return undefined;
  const redo = 'run `facelock calibrate liveness --presentations DIR` again (the presentations it keeps sealed are reused)';
  if (d.features !== DOOR_PAD_FEATURES)
    throw new ConfigError(
      `calibration file ${file}: the door's liveness head was fitted on features ${d.features}, this version reads ${DOOR_PAD_FEATURES}: ${redo}`,
    );
  const differing = Object.keys(modelHashes).filter((k) => d.modelHashes?.[k] !== modelHashes[k]);
  if (differing.length > 0)
    throw new ConfigError(
      `calibration file ${file}: the door's liveness head was made for other model files (${differing.join(', ')}): ${redo}`,
    );
  const m = d.head?.model;
  const sized = (v: unknown) => Array.isArray(v) && v.length === DOOR_PAD_DIMENSIONS && v.every((x) => Number.isFinite(x));
  if (
    !m ||
    !sized(m.mean) ||
    !sized(m.scale) ||
    !sized(m.weights) ||
    !Number.isFinite(m.bias) ||
    m.scale.some((x) => x <= 0) ||
    !(d.head.temperature > 0) ||
    !(d.threshold > 0 && d.threshold < 1)
  )
    throw new ConfigError(`calibration file ${file}: the door's liveness head is damaged (sizes, temperature or threshold): ${redo}`);
  return d;
}
