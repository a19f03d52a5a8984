/** A small grey image, row-major, one byte per pixel. */
export interface GreyThumbnail {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface MotionOptions {
  /** Grey-level change for a pixel to count as changed. */
  readonly pixelThreshold: number;
  /** Fraction of changed pixels that counts as motion. */
  readonly minChangedFraction: number;
  /** After motion, stay awake this long. */
  readonly holdMs: number;
}

/**
 * The baseline before any network: frame differencing on downscaled grey frames. When nothing moves, the face
 * networks do not run. The first frame, and any change of thumbnail size, counts as motion.
 */
export class MotionGate {
  private previous: GreyThumbnail | undefined;
  private awakeUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: MotionOptions) {}

  /** Compares with the previous frame; true while motion was seen within the hold time. */
  update(frame: GreyThumbnail, now: number): { awake: boolean; changedFraction: number } {
    const prev = this.previous;
    this.previous = frame;
    let changedFraction = 1;
    if (prev && prev.width === frame.width && prev.height === frame.height) {
      let changed = 0;
      const t = this.options.pixelThreshold;
      for (let i = 0; i < frame.data.length; i++) if (Math.abs((frame.data[i] ?? 0) - (prev.data[i] ?? 0)) > t) changed++;
      changedFraction = changed / frame.data.length;
    }
    const moving = changedFraction >= this.options.minChangedFraction;
    if (moving) this.awakeUntil = now + this.options.holdMs;
    return { awake: moving || now < this.awakeUntil, changedFraction };
  }
}
