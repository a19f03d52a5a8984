import type { CalibrationReport } from '../calibration/calibrationReport.js';
import { CALIBRATION_FORMAT, type CalibratedLiveness, type CalibrationFile } from '../device/door/calibrationFile.js';
import { type DetectorName, type EmbedderName, engineModelHashes } from '../model/loadFaceEngine.js';

/** The file the daemon reads: threshold, fusion and probability model, with the hashes of the models they hold for. */
export function calibrationFileOf(
  report: CalibrationReport,
  v: NonNullable<CalibrationReport['verification']>,
  embedder: EmbedderName,
  detector: DetectorName,
  livenessModel: CalibratedLiveness['model'],
): CalibrationFile {
  const l = report.liveness;
  const rates = (level: 'frame' | 'approach') => {
    const r = l?.byPart.find((p) => p.part === l.part && p.level === level)?.rates;
    if (!r) return null;
    const count = (p: { count: number; of: number }) => ({ count: p.count, of: p.of });
    return { worstApcer: count(r.worst?.apcer ?? { count: 0, of: 0 }), bpcer: count(r.bpcer) };
  };
  const frame = rates('frame');
  return {
    format: CALIBRATION_FORMAT,
    embedder,
    threshold: v.operating.threshold,
    targetFar: v.operating.targetFar,
    fusion: { k: v.door.k, n: v.door.n },
    probability: v.probability.chosen,
    modelHashes: engineModelHashes({ embedder, detector }),
    data: {
      dir: report.data?.dir ?? '',
      listSha256: report.data?.listSha256 ?? '',
      manifestSha256: report.data?.manifestSha256 ?? '',
      split: report.data?.split ?? null,
    },
    heldOut: { tar: v.heldOutAtTarget.meanTar, far: v.heldOutAtTarget.meanFar },
    door: { far: v.door.far, frr: v.door.frr },
    ...(report.grey ? { grey: greyOperatingPointOf(report.grey) } : {}),
    ...(l && frame ? { liveness: { model: livenessModel, threshold: l.threshold, part: l.part, frame, approach: rates('approach') } } : {}),
    createdAt: report.createdAt,
    gitCommit: report.gitCommit,
  };
}

/** The grey camera's operating point as the daemon reads it. */
function greyOperatingPointOf(g: NonNullable<CalibrationReport['grey']>): NonNullable<CalibrationFile['grey']> {
  const v = g.verification;
  return {
    cameraMode: 'grey',
    threshold: g.chosen.threshold,
    from: g.chosen.from,
    targetFar: v.operating.targetFar,
    heldOut: { tar: v.heldOutAtTarget.meanTar, far: v.heldOutAtTarget.meanFar },
    door: { far: v.door.far, frr: v.door.frr },
    colourThresholdFar: g.colourThresholdOnGrey.far,
  };
}
