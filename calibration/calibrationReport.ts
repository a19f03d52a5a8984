import { appendExperiment, type Experiment } from '../common/experimentRegistry.js';
import type { LivenessResult } from './attackData.js';
import type { VerificationReport } from './evaluateVerification.js';
import type { ConditionRates } from './greyFaceSets.js';
import type { PartPadRates } from './padRatesByPart.js';
import type { OperatingPoint } from './verificationMetrics.js';

/** Everything one `facelock calibrate` run measured: written as JSON, rendered as HTML, summarised in the registry. */
export interface CalibrationReport {
  readonly tool: 'facelock calibrate';
  readonly createdAt: string;
  readonly gitCommit: string;
  readonly seed: number;
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
  readonly model: { readonly name: string; readonly description: string; readonly modelHash: string };
  readonly data?: {
    readonly dir: string;
    readonly listSha256: string;
    readonly manifestSha256: string;
    readonly split: string | null;
    readonly images: number;
    readonly folds: readonly number[];
  };
  readonly timing: {
    readonly wallSeconds: number;
    readonly embedSeconds: number;
    readonly workers: number;
    readonly cachedImages: number;
    readonly computedImages: number;
  };
  readonly verification?: VerificationReport;
  /** The grey camera's operating point (`--grey`): the same faces turned grey, and grey datasets by condition. */
  readonly grey?: GreyReport;
  readonly liveness?: LivenessResult & {
    /** The part the headline rates and the DET curve are measured on (dev: people and a session never trained on). */
    readonly part: string;
    readonly byPart: readonly PartPadRates[];
    readonly dir: string;
    readonly listSha256: string;
    readonly manifestSha256: string;
    readonly subjects: number;
  };
  readonly calibrationFile: string | null;
}

export interface GreyReport {
  /** The same pairs, every image turned grey with the camera's luma: rates, and the grey threshold for the target FAR. */
  readonly verification: VerificationReport;
  /** The grey threshold the calibration file carries: the strictest of the grey pairs' and the grey sets' (resolvable). */
  readonly chosen: { readonly threshold: number; readonly from: string };
  /** The colour faces' threshold on the grey pairs: what a grey camera gets without its own operating point. */
  readonly colourThresholdOnGrey: {
    readonly threshold: number;
    readonly far: number;
    readonly tar: number;
    readonly impostorPairs: number;
    readonly genuinePairs: number;
  };
  /** Grey datasets (Yale, ORL): FRR and FAR per condition at the colour and at the grey threshold. */
  readonly sets: readonly {
    readonly name: string;
    readonly dir: string;
    readonly people: number;
    readonly images: number;
    readonly noFace: number;
    readonly enrolledFrom: string;
    readonly byThreshold: readonly { readonly threshold: string; readonly value: number; readonly rows: readonly ConditionRates[] }[];
    /** The threshold this set's own all pairs need for the target FAR (what a camera like it would need). */
    readonly ownOperatingPoint: OperatingPoint;
  }[];
}

/** The per-approach rates of the headline part (dev), where liveness was measured. */
function headlineApproach(r: CalibrationReport) {
  return r.liveness?.byPart.find((p) => p.part === r.liveness?.part && p.level === 'approach')?.rates;
}

/** The headline numbers, flat: what the experiment registry keeps and `facelock experiments` compares. */
export function headline(r: CalibrationReport): Record<string, number | null> {
  const v = r.verification;
  const tar = (f: string) => v?.pooled.tarAtFar[f]?.tar ?? null;
  return {
    eer: v?.pooled.eer ?? null,
    auc: v?.pooled.auc ?? null,
    'tar@1e-3': tar('0.001'),
    'tar@1e-4': tar('0.0001'),
    'tar@1e-5': tar('0.00001'),
    kfoldAccuracy: v && v.kfoldAccuracy.folds.length > 0 ? v.kfoldAccuracy.mean : null,
    heldOutTar: v && v.heldOutAtTarget.folds.length > 0 ? v.heldOutAtTarget.meanTar : null,
    heldOutFar: v && v.heldOutAtTarget.folds.length > 0 ? v.heldOutAtTarget.meanFar : null,
    threshold: v?.operating.threshold ?? null,
    greyThreshold: r.grey?.chosen.threshold ?? null,
    'greyTar@1e-4': r.grey?.verification.pooled.tarAtFar['0.0001']?.tar ?? null,
    colourThresholdGreyFar: r.grey?.colourThresholdOnGrey.far ?? null,
    doorThreshold: v?.doorAtTarget?.threshold ?? null,
    doorTargetFrr: v?.doorAtTarget?.frr ?? null,
    doorFar: v?.door.far ?? null,
    doorFrr: v?.door.frr ?? null,
    ece: v ? Math.min(v.probability.platt.heldOut.ece, v.probability.temperature.heldOut.ece) : null,
    failedToEnrol: v?.failedToEnrol.length ?? null,
    apcer: r.liveness?.apcer ?? null,
    bpcer: r.liveness?.bpcer ?? null,
    approachWorstApcer: headlineApproach(r)?.worst?.apcer.rate ?? null,
    approachBpcer: headlineApproach(r)?.bpcer.rate ?? null,
    wallSeconds: r.timing.wallSeconds,
  };
}

/** Appends a run to the registry (one JSON line, fsynced): a crash never leaves a half-written earlier entry. */
export function recordExperiment(file: string, r: CalibrationReport, reportFile: string | null): Experiment {
  return appendExperiment(file, {
    at: r.createdAt,
    gitCommit: r.gitCommit,
    seed: r.seed,
    options: r.options,
    model: r.model.description,
    modelHash: r.model.modelHash,
    dataManifestSha256: r.data?.manifestSha256 ?? null,
    attackManifestSha256: r.liveness?.manifestSha256 ?? null,
    metrics: headline(r),
    report: reportFile,
  });
}
