import type { Logger } from '../../common/logger.js';
import type { Lock } from '../ports.js';

export interface PulseOptions {
  readonly unlockMs: number;
  /** The hard maximum: a second, independent timer locks at this age whatever else happens. */
  readonly maxUnlockMs: number;
}

/**
 * Opens the door for one pulse and closes it again. The state changes in memory only after the driver call
 * succeeded; a failing unlock leaves the door locked (fail secure) and a failing lock is retried by the hard timer.
 */
export class LockController {
  private unlocked = false;
  private readonly listeners: ((unlocked: boolean) => void)[] = [];
  private pulse: NodeJS.Timeout | undefined;
  private hardMax: NodeJS.Timeout | undefined;

  constructor(
    private readonly lock: Lock,
    private readonly options: PulseOptions,
    private readonly log: Logger,
  ) {}

  get isUnlocked(): boolean {
    return this.unlocked;
  }

  /** Called with the new state after every change the driver confirmed. */
  observe(listener: (unlocked: boolean) => void): void {
    this.listeners.push(listener);
  }

  private setState(unlocked: boolean): void {
    this.unlocked = unlocked;
    for (const l of this.listeners) l(unlocked);
  }

  /** Unlocks for `unlockMs` (never more than `maxUnlockMs`). */
  async open(): Promise<boolean> {
    const ms = Math.min(this.options.unlockMs, this.options.maxUnlockMs);
    try {
      await this.lock.unlock();
    } catch (err) {
      this.log.error('unlock failed; the door stays locked', { error: String(err) });
      await this.close('unlock failed');
      return false;
    }
    this.setState(true);
    this.log.info('door unlocked: the relay is driven', { pulseMs: ms });
    clearTimeout(this.pulse);
    clearTimeout(this.hardMax);
    this.pulse = setTimeout(() => this.closeFromTimer('pulse ended'), ms);
    this.hardMax = setTimeout(() => this.closeFromTimer('hard maximum reached'), this.options.maxUnlockMs);
    return true;
  }

  /** A timer's lock: a failure is already logged by close(), and the hard-maximum timer (or the next one) retries. */
  private closeFromTimer(reason: string): void {
    this.close(reason).catch(() => {
      if (reason !== 'hard maximum reached') return;
      // the hard maximum failed too: keep trying every second until the relay answers
      this.hardMax = setTimeout(() => this.closeFromTimer('hard maximum reached'), 1000);
    });
  }

  /** Stops the pulse and hard-maximum timers (shutdown: the driver's close follows, and exiting releases the line). */
  dispose(): void {
    clearTimeout(this.pulse);
    clearTimeout(this.hardMax);
  }

  /** Locks now (door contact closed, shutdown, fault). */
  async close(reason: string): Promise<void> {
    clearTimeout(this.pulse);
    try {
      await this.lock.lock();
      this.setState(false);
      clearTimeout(this.hardMax);
    } catch (err) {
      this.log.error('lock failed', { reason, error: String(err) });
      throw err;
    }
  }
}
