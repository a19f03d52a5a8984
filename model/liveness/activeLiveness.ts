import { type Point2, planarFit } from './planarMotion.js';

/** What one approach's frames showed about liveness, from landmarks alone. */
export interface ActiveEvidence {
  /** The face tilted out of the image plane and one homography explained it: a flat picture (photo or screen). */
  readonly planar: boolean;
  /** The face moved in a way no homography explains: a 3-D head. */
  readonly depth: boolean;
  /** The eyes closed and opened again. */
  readonly blink: boolean;
  /** Largest out-of-plane motion and the homography residual ratio at it (for the log and for tuning). */
  readonly motion: number;
  readonly ratio: number;
}

export interface ActiveLivenessOptions {
  /** Out-of-plane motion (what no in-plane similarity explains, in landmark spreads) below which a pair says nothing. */
  readonly minOutOfPlane: number;
  /** Homography residual / out-of-plane motion below this: one plane explains the tilt (a picture). */
  readonly maxPlanarRatio: number;
  /** At or above this: the tilt shows parallax (a head). */
  readonly minDepthRatio: number;
  /** An eye counts as closed below this fraction of the approach's median eye openness. */
  readonly blinkFraction: number;
}

/**
 * Measured on nuaa-train (scripts/evalLiveness.ts, approaches of 10 frames): the printed photos there are mostly
 * shifted and turned in the image plane, so their out-of-plane motion is small (0.012-0.056) and the homography
 * explains 16-69% of it; live subjects, asked to keep still, show 0.011-0.147 with ratios 0.39-0.97. The two overlap:
 * these defaults only call clear cases; the door uses them through liveness.active (model/liveness/livenessFusion.ts).
 */
export const DEFAULT_ACTIVE_OPTIONS: ActiveLivenessOptions = {
  minOutOfPlane: 0.03,
  maxPlanarRatio: 0.45,
  minDepthRatio: 0.6,
  blinkFraction: 0.6,
};

/** Frames of eye openness kept for blink detection (6 s at 15 fps; the decision window is 3 s by default). */
const EYE_HISTORY = 90;

/** FaceMesh landmarks used for the planar test: a spread of the whole face (every 4th point of the 468). */
const SUBSET = Array.from({ length: 117 }, (_, i) => i * 4);

/**
 * Active liveness over the frames of one approach: each frame's landmarks are compared with the approach's first
 * frame (planar or 3-D motion), and eye openness is followed for a blink (closed below a fraction of the approach's
 * own median, then open again).
 */
export class ApproachLiveness {
  private first: Point2[] | undefined;
  private eyes: number[] = [];
  private planar = false;
  private depth = false;
  private motion = 0;
  private ratio = 0;

  constructor(private readonly o: ActiveLivenessOptions = DEFAULT_ACTIVE_OPTIONS) {}

  add(landmarks: readonly (readonly number[])[], eyes: { readonly left: number; readonly right: number }): void {
    const pts = SUBSET.map((i) => [landmarks[i]?.[0] ?? 0, landmarks[i]?.[1] ?? 0] as const);
    this.eyes.push((eyes.left + eyes.right) / 2);
    // a blink is judged over the recent frames only: the door asks every frame, and an approach can last minutes
    if (this.eyes.length > EYE_HISTORY) this.eyes.shift();
    if (!this.first) {
      this.first = pts;
      return;
    }
    let fit: ReturnType<typeof planarFit>;
    try {
      fit = planarFit(this.first, pts);
    } catch {
      return; // degenerate landmarks (all on a line or a point): the pair says nothing
    }
    if (fit.outOfPlane < this.o.minOutOfPlane) return;
    const ratio = fit.residual / fit.outOfPlane;
    if (fit.outOfPlane > this.motion) {
      this.motion = fit.outOfPlane;
      this.ratio = ratio;
    }
    if (ratio < this.o.maxPlanarRatio) this.planar = true;
    else if (ratio >= this.o.minDepthRatio) this.depth = true;
  }

  /**
   * What the frames showed so far. `eyeBaseline`: the user's usual eye openness (from their earlier approaches); a
   * long blink or an approach of mostly narrowed eyes then still counts, where the approach's own median would hide it.
   */
  evidence(eyeBaseline?: number): ActiveEvidence {
    return {
      planar: this.planar,
      depth: this.depth,
      blink: blinked(this.eyes, this.o.blinkFraction, eyeBaseline),
      motion: this.motion,
      ratio: this.ratio,
    };
  }

  /** Median eye openness over the approach (a user's baseline is built from these). */
  eyeMedian(): number | undefined {
    return this.eyes.length === 0 ? undefined : median(this.eyes);
  }
}

function median(v: readonly number[]): number {
  const sorted = [...v].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

/**
 * A blink: after an open frame, a frame below `fraction` of the open level, then an open frame again. The open level
 * is the user's baseline when known, else the approach's median openness.
 */
export function blinked(openness: readonly number[], fraction: number, baseline?: number): boolean {
  if (openness.length < 3) return false;
  const open = baseline ?? median(openness);
  const closed = openness.map((v) => v < fraction * open);
  const firstOpen = closed.indexOf(false);
  if (firstOpen < 0) return false;
  const shut = closed.indexOf(true, firstOpen);
  return shut >= 0 && closed.indexOf(false, shut) >= 0;
}
