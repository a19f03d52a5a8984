import type { ThrottleSnapshot } from '../store/throttleStore.js';

export interface LockoutOptions {
  /** Failed attempts in a row allowed before a lockout. */
  readonly maxFailures: number;
  /** First lockout; each further failure after it doubles the delay (capped at 1 hour). */
  readonly lockoutMs: number;
}

const NO_THROTTLE: ThrottleSnapshot = { failures: 0, untilMono: null };

/**
 * Throttling of failed attempts (NIST SP 800-63B 5.2.2 and 5.2.3): after `maxFailures` consecutive failures, no
 * attempt is evaluated for `lockoutMs`, and each further failure doubles the delay. A success resets the count.
 * Times are on the monotonic clock; every change is handed to `persist`, so a restart resumes from `saved`.
 */
export class LockoutPolicy {
  private failures: number;
  private until: number;

  constructor(
    private readonly options: LockoutOptions,
    saved: ThrottleSnapshot = NO_THROTTLE,
    private readonly persist: (s: ThrottleSnapshot) => void = () => {},
  ) {
    this.failures = saved.failures;
    this.until = saved.untilMono ?? Number.NEGATIVE_INFINITY;
  }

  lockedOutUntil(now: number): number | undefined {
    return now < this.until ? this.until : undefined;
  }

  /** Milliseconds the lockout has left (0 when there is none). */
  remainingMs(now: number): number {
    return Math.max(0, this.until - now);
  }

  recordFailure(now: number): void {
    this.failures++;
    const over = this.failures - this.options.maxFailures;
    if (over >= 0) this.until = now + Math.min(3_600_000, this.options.lockoutMs * 2 ** over);
    this.persist(this.snapshot());
  }

  recordSuccess(): void {
    if (this.failures === 0 && this.until === Number.NEGATIVE_INFINITY) return;
    this.failures = 0;
    this.until = Number.NEGATIVE_INFINITY;
    this.persist(this.snapshot());
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  snapshot(): ThrottleSnapshot {
    return { failures: this.failures, untilMono: Number.isFinite(this.until) ? this.until : null };
  }
}
