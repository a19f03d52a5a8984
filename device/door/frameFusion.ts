/** What one frame said about who is at the door. */
export interface FrameVerdict {
  readonly at: number;
  /** The best-matching user above the threshold, if any. */
  readonly userId?: number;
  readonly score: number;
  /** Passed the liveness checks. */
  readonly live: boolean;
}

export interface FusionOptions {
  readonly k: number;
  readonly n: number;
  readonly windowMs: number;
}

/**
 * Multi-frame decision: accept a user only when k of the last n frames within the window matched that same user and
 * passed liveness. One lucky frame never opens the door.
 */
export class FrameFusion {
  private frames: FrameVerdict[] = [];

  constructor(private readonly options: FusionOptions) {}

  /** Adds a frame's verdict; returns the user accepted by it, if the k-of-n rule is now met. */
  add(v: FrameVerdict): number | undefined {
    this.frames = [...this.frames, v].filter((f) => v.at - f.at <= this.options.windowMs).slice(-this.options.n);
    const counts = new Map<number, number>();
    for (const f of this.frames) if (f.userId !== undefined && f.live) counts.set(f.userId, (counts.get(f.userId) ?? 0) + 1);
    for (const [user, c] of counts) if (c >= this.options.k) return user;
    return undefined;
  }

  reset(): void {
    this.frames = [];
  }

  get size(): number {
    return this.frames.length;
  }
}
