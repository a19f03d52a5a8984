import type { Face } from '../../model/faceTypes.js';

/** When a face may be followed without the detector (the config's engine.trackFrames and engine.trackMaxGapMs). */
export interface TrackingLimits {
  /** Frames followed between detections; 0 turns tracking off. */
  readonly trackFrames: number;
  readonly trackMaxGapMs: number;
}

/**
 * The face the door may follow into the next frame: only the face of a frame the door accepted (it matched an enrolled
 * user and was judged live: kept by the door service), only into a frame soon after it, and only `trackFrames` times
 * in a row before the detector runs again. Taking the face forgets it, so a frame that is not accepted leaves nothing
 * to follow: the next frame is detected (a stranger's or an attack's frames always are, with the check for a second
 * face, and their liveness is judged on the detector's crops, as before tracking).
 */
export class FaceTracker {
  private kept: { face: Face; at: number } | undefined;
  private followed = 0;

  constructor(private readonly limits: TrackingLimits) {}

  /** The face to follow into a frame taken at `at`, or undefined: detect. */
  take(at: number): Face | undefined {
    const kept = this.kept;
    this.kept = undefined;
    if (!kept || this.followed >= this.limits.trackFrames || at - kept.at > this.limits.trackMaxGapMs || at < kept.at) {
      this.followed = 0;
      return undefined;
    }
    this.followed++;
    return kept.face;
  }

  /** The followed face was lost (the detector runs on this frame): the count of followed frames starts again. */
  lost(): void {
    this.followed = 0;
  }

  /** The door accepted a frame with this face (matched and live): it may be followed into the next frame. */
  keep(face: Face, at: number): void {
    if (this.limits.trackFrames > 0) this.kept = { face, at };
  }
}
