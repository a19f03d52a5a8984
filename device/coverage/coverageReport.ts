import { POSE_BINS } from '../../model/poseBins.js';
import type { CameraMode } from '../../model/quality/faceQuality.js';
import type { AttemptRow } from '../store/auditLog.js';
import type { UserSummary } from '../store/templateRecords.js';
import { missingModes, modesSeen } from './cameraModeGaps.js';

/** A grid of counts with the reject share of each cell (null where empty). */
export interface Heatmap {
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly counts: number[][];
  readonly rejectShare: (number | null)[][];
}

export interface BinRate {
  readonly condition: string;
  readonly bin: string;
  readonly approaches: number;
  /** Rejects among approaches that were the owner's (unlocks, and rejects labelled genuine): the FRR of the bin. */
  readonly frr: number | null;
  readonly genuine: number;
}

export interface CoverageReport {
  readonly days: number;
  readonly approaches: number;
  readonly unlocks: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly users: readonly {
    name: string;
    templates: Readonly<Record<string, number>>;
    missing: readonly string[];
    /** Camera modes the door saw in the window that the user has no template of (grey: infrared at night). */
    missingModes: readonly CameraMode[];
  }[];
  /** Approaches per camera mode in the window. */
  readonly modesSeen: Readonly<Record<CameraMode, number>>;
  readonly yawPitch: Heatmap;
  readonly lightByHour: Heatmap;
  readonly frrByBin: readonly BinRate[];
}

const YAW = [-90, -30, -15, -5, 5, 15, 30, 90];
const PITCH = [-90, -14, -4, 4, 16, 26, 90]; // around the frontal pitch of +6
const LUM = [0, 40, 80, 120, 160, 200, 256];

function bucket(v: number, edges: readonly number[]): number {
  for (let i = 1; i < edges.length; i++) if (v < (edges[i] as number)) return i - 1;
  return edges.length - 2;
}

const labels = (edges: readonly number[]) => edges.slice(0, -1).map((e, i) => `${e}..${edges[i + 1]}`);

function heatmap(
  rows: readonly AttemptRow[],
  rowOf: (r: AttemptRow) => number | undefined,
  rowLabels: string[],
  colOf: (r: AttemptRow) => number | undefined,
  colLabels: string[],
): Heatmap {
  const counts = rowLabels.map(() => colLabels.map(() => 0));
  const rejects = rowLabels.map(() => colLabels.map(() => 0));
  for (const r of rows) {
    const i = rowOf(r);
    const j = colOf(r);
    if (i === undefined || j === undefined) continue;
    (counts[i] as number[])[j] = ((counts[i] as number[])[j] as number) + 1;
    if (r.outcome === 'reject') (rejects[i] as number[])[j] = ((rejects[i] as number[])[j] as number) + 1;
  }
  return {
    rows: rowLabels,
    columns: colLabels,
    counts,
    rejectShare: counts.map((row, i) => row.map((c, j) => (c ? ((rejects[i] as number[])[j] as number) / c : null))),
  };
}

/**
 * What the door has seen over the last days, and what the enrollment covers: pose (yaw x pitch) and light by hour
 * of the day as heatmaps with reject shares, FRR per condition bin (from unlocks and owner-labelled rejects), and
 * each user's templates per pose bin with the bins that have fewer than `minTemplates`.
 */
export function buildCoverage(
  attempts: readonly AttemptRow[],
  users: readonly UserSummary[],
  o: { days: number; minTemplates: number },
): CoverageReport {
  const withFace = attempts.filter((r) => r.yaw !== null && r.pitch !== null);
  const byReason: Record<string, number> = {};
  for (const r of attempts) byReason[r.reason ?? 'unlock'] = (byReason[r.reason ?? 'unlock'] ?? 0) + 1;
  const frrByBin = binRates(attempts);
  const seen = modesSeen(attempts);
  return {
    modesSeen: seen,
    days: o.days,
    approaches: attempts.length,
    unlocks: attempts.filter((r) => r.outcome === 'unlock').length,
    byReason,
    users: users.map((u) => ({
      name: u.name,
      templates: Object.fromEntries(POSE_BINS.map((b) => [b, u.coverage[b] ?? 0])),
      missing: POSE_BINS.filter((b) => (u.coverage[b] ?? 0) < o.minTemplates),
      missingModes: missingModes(u.cameraModes, seen),
    })),
    yawPitch: heatmap(
      withFace,
      (r) => bucket(r.pitch as number, PITCH),
      labels(PITCH),
      (r) => bucket(r.yaw as number, YAW),
      labels(YAW),
    ),
    lightByHour: heatmap(
      attempts.filter((r) => r.luminance !== null && r.localHour !== null),
      (r) => bucket(r.luminance as number, LUM),
      labels(LUM),
      (r) => r.localHour as number,
      Array.from({ length: 24 }, (_, h) => String(h)),
    ),
    frrByBin,
  };
}

/** FRR per condition bin: pose, light, camera mode, side light and occlusion (from unlocks and owner-labelled rejects). */
function binRates(attempts: readonly AttemptRow[]): BinRate[] {
  const genuine = (r: AttemptRow) => r.outcome === 'unlock' || r.label === 'genuine';
  const rate = (condition: string, bin: string, rs: readonly AttemptRow[]): BinRate => {
    const g = rs.filter(genuine);
    return {
      condition,
      bin,
      approaches: rs.length,
      genuine: g.length,
      frr: g.length ? g.filter((r) => r.outcome === 'reject').length / g.length : null,
    };
  };
  return [
    ...POSE_BINS.map((b) =>
      rate(
        'pose',
        b,
        attempts.filter((r) => r.poseBin === b),
      ),
    ),
    ...labels(LUM).map((b, i) =>
      rate(
        'luminance',
        b,
        attempts.filter((r) => r.luminance !== null && bucket(r.luminance, LUM) === i),
      ),
    ),
    ...(['colour', 'mono'] as const).map((b) =>
      rate(
        'camera mode',
        b,
        attempts.filter((r) => r.colourMode === b),
      ),
    ),
    ...['even light', 'side light'].map((b, i) =>
      rate(
        'light side',
        b,
        attempts.filter((r) => r.lightSide !== null && (Math.abs(r.lightSide) >= 0.2 ? 1 : 0) === i),
      ),
    ),
    ...['clear', 'partly hidden'].map((b, i) =>
      rate(
        'occlusion',
        b,
        attempts.filter((r) => r.occlusion !== null && (r.occlusion >= 0.1 ? 1 : 0) === i),
      ),
    ),
  ];
}

/** Whether an audit row is a face attempt (exit-button, remote and tamper rows are door events, not faces). */
export const isFaceAttempt = (r: AttemptRow): boolean =>
  (r.method === null || r.method === undefined || r.method === 'face') && r.reason !== 'exit_button' && r.reason !== 'tamper';
