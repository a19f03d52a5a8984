import type { ThrottleSnapshot } from '../store/throttleStore.js';

/**
 * Throttling of remote-command codes, like the face lockout (NIST SP 800-63B 5.2.2): a few consecutive wrong codes
 * are free (typos); from then on every further one doubles a delay during which no code is even checked, so the
 * right code is refused as well (guessing gains nothing from speed); after `maxFailures` consecutive wrong codes
 * remote commands stay off until the owner clears the lockout. Durations run on the monotonic clock; every change is
 * handed to `persist`, so a restart resumes where the count was.
 */
export interface CodeAttemptOptions {
  /** Consecutive wrong codes before the first delay. */
  readonly freeFailures: number;
  /** First delay; doubled by each further wrong code, capped at `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Consecutive wrong codes after which remote commands are off until the owner clears it (SP 800-63B: at most 100). */
  readonly maxFailures: number;
}

export const DEFAULT_CODE_ATTEMPTS: CodeAttemptOptions = { freeFailures: 3, firstDelayMs: 2000, maxDelayMs: 3_600_000, maxFailures: 100 };

export type CodeCheck =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string; readonly retryInMs: number | null };

export class CodeAttempts {
  private failures: number;
  private until: number;

  constructor(
    private readonly o: CodeAttemptOptions = DEFAULT_CODE_ATTEMPTS,
    saved: ThrottleSnapshot = { failures: 0, untilMono: null },
    private readonly persist: (s: ThrottleSnapshot) => void = () => {},
  ) {
    this.failures = saved.failures;
    this.until = saved.untilMono ?? Number.NEGATIVE_INFINITY;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Whether a code may be checked now. */
  check(now: number): CodeCheck {
    if (this.failures >= this.o.maxFailures)
      return {
        allowed: false,
        reason: `remote commands are off after ${this.failures} wrong codes in a row: to allow them again, stop the daemon and run facelock lockout clear`,
        retryInMs: null,
      };
    if (now < this.until) {
      const s = Math.ceil((this.until - now) / 1000);
      return { allowed: false, reason: `too many wrong codes: no code is checked for ${s} s`, retryInMs: this.until - now };
    }
    return { allowed: true };
  }

  /** A wrong or missing code: returns the delay it started (0 while failures are still free). */
  failure(now: number): number {
    this.failures++;
    const over = this.failures - this.o.freeFailures;
    const delay = over <= 0 ? 0 : Math.min(this.o.maxDelayMs, this.o.firstDelayMs * 2 ** (over - 1));
    if (delay > 0) this.until = now + delay;
    this.persist(this.snapshot());
    return delay;
  }

  success(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.until = Number.NEGATIVE_INFINITY;
    this.persist(this.snapshot());
  }

  snapshot(): ThrottleSnapshot {
    return { failures: this.failures, untilMono: Number.isFinite(this.until) ? this.until : null };
  }
}
