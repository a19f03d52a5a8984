export interface LockoutOptions {
  /** Failed approaches in a row allowed before a lockout. */
  readonly maxFailures: number;
  /** First lockout; each further failure after it doubles the delay (capped at 1 hour). */
  readonly lockoutMs: number;
}

/**
 * Throttling of failed approaches (NIST SP 800-63B 5.2.2): after `maxFailures` consecutive failures, no attempt is
 * evaluated for `lockoutMs`, and each further failure doubles the delay. A success resets the count.
 */
export class LockoutPolicy {
  private failures = 0;
  private until = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: LockoutOptions) {}

  lockedOutUntil(now: number): number | undefined {
    return now < this.until ? this.until : undefined;
  }

  recordFailure(now: number): void {
    this.failures++;
    const over = this.failures - this.options.maxFailures;
    if (over >= 0) this.until = now + Math.min(3_600_000, this.options.lockoutMs * 2 ** over);
  }

  recordSuccess(): void {
    this.failures = 0;
    this.until = Number.NEGATIVE_INFINITY;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
