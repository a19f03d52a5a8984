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
  private readonly faultListeners: ((jammed: boolean, detail: string) => void)[] = [];
  /** The drive that failed last (the relay is jammed until a drive of that direction works again). */
  private jammedOn: 'unlock' | 'lock' | undefined;
  private pulse: NodeJS.Timeout | undefined;
  private hardMax: NodeJS.Timeout | undefined;
  /** When the relay was first energised in the current open period (monotonic ms), for the hard maximum. */
  private openedAt: number | undefined;

  constructor(
    private readonly lock: Lock,
    private readonly options: PulseOptions,
    private readonly log: Logger,
    /** Monotonic milliseconds (a wall-clock step must not move the hard maximum). */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get isUnlocked(): boolean {
    return this.unlocked;
  }

  /** Called with the new state after every change the driver confirmed. */
  observe(listener: (unlocked: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Called when the relay cannot be driven (jammed) and when a drive works again after that (cleared). */
  onFault(listener: (jammed: boolean, detail: string) => void): void {
    this.faultListeners.push(listener);
  }

  get isJammed(): boolean {
    return this.jammedOn !== undefined;
  }

  private drove(direction: 'unlock' | 'lock', ok: boolean, detail: string): void {
    const was = this.jammedOn !== undefined;
    if (!ok) this.jammedOn = direction;
    else if (this.jammedOn === direction) this.jammedOn = undefined;
    const now = this.jammedOn !== undefined;
    if (now !== was) for (const l of this.faultListeners) l(now, detail);
  }

  private setState(unlocked: boolean): void {
    this.unlocked = unlocked;
    for (const l of this.listeners) l(unlocked);
  }

  /**
   * Unlocks for `unlockMs`. Opening again while unlocked restarts the pulse but never the hard maximum: the relay is
   * de-energised at most `maxUnlockMs` after it was first energised, however many unlocks come in between.
   */
  async open(): Promise<boolean> {
    try {
      await this.lock.unlock();
    } catch (err) {
      this.log.error('unlock failed; the door stays locked', { error: String(err) });
      this.drove('unlock', false, `the relay could not be driven open: ${String(err)}`);
      await this.close('unlock failed').catch(() => {}); // logged by close; the door was not opened
      return false;
    }
    this.drove('unlock', true, 'the relay was driven open again');
    const now = this.clock();
    if (this.openedAt === undefined) {
      this.openedAt = now;
      clearTimeout(this.hardMax);
      this.hardMax = setTimeout(() => this.closeFromTimer('hard maximum reached'), this.options.maxUnlockMs);
    }
    const ms = Math.max(0, Math.min(this.options.unlockMs, this.openedAt + this.options.maxUnlockMs - now));
    this.setState(true);
    this.log.info('door unlocked: the relay is driven', { pulseMs: Math.round(ms) });
    clearTimeout(this.pulse);
    this.pulse = setTimeout(() => this.closeFromTimer('pulse ended'), ms);
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
      this.drove('lock', true, 'the relay was driven locked again');
      this.setState(false);
      this.openedAt = undefined;
      clearTimeout(this.hardMax);
    } catch (err) {
      this.log.error('lock failed', { reason, error: String(err) });
      this.drove('lock', false, `the relay could not be driven locked: ${String(err)}`);
      throw err;
    }
  }
}
