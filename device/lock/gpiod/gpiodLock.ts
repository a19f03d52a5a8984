import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import type { Lock } from '../../ports.js';
import { type GpiodVersion, holdArgs, type LineAddress } from './gpiodArgs.js';
import { findLine, gpiodVersion, lineDriven } from './gpiodTools.js';

export interface GpiodLockOptions {
  /** The relay line by name (`GPIO17`), never by number: the name is the same on Pi 4 and Pi 5. */
  readonly line: string;
  /** Relay boards that energise on a low level. */
  readonly activeLow: boolean;
  /** How long a new gpioset has to show its line driven in `gpioinfo` before the drive fails (default 2000 ms). */
  readonly driveTimeoutMs?: number;
}

/** As lock.driveTimeoutMs: libgpiod's gpioset holds its line within milliseconds; a Pi under load may take longer. */
const DRIVE_TIMEOUT_MS = 2000;
/** Pause between two `gpioinfo` queries while a new holder starts. */
const POLL_MS = 10;

/**
 * The relay on a GPIO line through the libgpiod tools. A spawned `gpioset` always holds the line, at inactive while
 * locked and active while unlocked; each holder exits when its standard input closes, so a daemon that dies takes its
 * holder with it and the line is released (de-energised with `dtparam=strict_gpiod`; `ExecStopPost` drives it
 * inactive as well). A holder that exits on its own is a fault: logged, and the door is driven locked again.
 */
export class GpiodLock implements Lock {
  readonly name = 'gpiod';
  private holder: ChildProcess | undefined;
  private holding: 0 | 1 | undefined;
  private stopping = false;
  private lastUnexpectedExit = 0;

  private constructor(
    private readonly version: GpiodVersion,
    private readonly address: LineAddress,
    private readonly options: GpiodLockOptions,
    private readonly log: Logger,
  ) {}

  /** Detects the tools' version, finds the line by name and holds it inactive. */
  static async open(options: GpiodLockOptions, log: Logger): Promise<GpiodLock> {
    const version = gpiodVersion();
    const address = findLine(version, options.line, 'lock.line');
    const lock = new GpiodLock(version, address, options, log);
    await lock.lock();
    log.info('relay line held', {
      line: options.line,
      chip: address.chip,
      offset: address.offset,
      libgpiod: `v${version}`,
      activeLow: options.activeLow,
    });
    return lock;
  }

  async unlock(): Promise<void> {
    await this.drive(1);
  }

  async lock(): Promise<void> {
    await this.drive(0);
  }

  /** Drives inactive, then lets the holder go (shutdown). */
  async close(): Promise<void> {
    await this.lock();
    await this.stopHolder();
  }

  private async drive(value: 0 | 1): Promise<void> {
    if (this.holding === value && this.holder) return;
    await this.stopHolder();
    const stderr: string[] = [];
    const child = spawn('gpioset', holdArgs(this.version, this.address, value, this.options.activeLow), {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const outcome = await this.untilDriven(exited);
    if (outcome !== 'driven') {
      if (outcome === 'timeout') child.kill('SIGKILL');
      const why =
        outcome === 'timeout'
          ? `gpioinfo did not show the line driven within ${this.options.driveTimeoutMs ?? DRIVE_TIMEOUT_MS} ms`
          : stderr.join('').trim() || `exit code ${outcome.code}`;
      if (value === 1) await this.lock().catch(() => {});
      throw new LockError(`gpioset could not drive ${this.options.line} ${value ? 'active' : 'inactive'}: ${why}`);
    }
    this.holder = child;
    this.holding = value;
    void exited.then((code) => {
      if (this.holder !== child || this.stopping) return;
      this.holder = undefined;
      this.holding = undefined;
      this.log.error('gpioset exited unexpectedly: driving the relay inactive again', {
        line: this.options.line,
        code,
        stderr: stderr.join('').trim(),
      });
      // a holder that keeps dying is retried at most once a second, not in a tight loop
      const now = Date.now();
      const delay = now - this.lastUnexpectedExit < 1000 ? 1000 : 0;
      this.lastUnexpectedExit = now;
      void sleep(delay)
        .then(() => (this.stopping || this.holder ? undefined : this.lock()))
        .catch((err: unknown) => this.log.error('cannot drive the relay inactive', { error: String(err) }));
    });
  }

  /**
   * Waits until the kernel reports the line requested as an output (the new holder drives it), the holder exits
   * (busy or missing line), or the drive timeout passes. A positive check: a slow start is not taken for a hold.
   */
  private async untilDriven(exited: Promise<number | null>): Promise<'driven' | 'timeout' | { code: number | null }> {
    let exit: { code: number | null } | undefined;
    void exited.then((code) => {
      exit = { code };
    });
    const deadline = Date.now() + (this.options.driveTimeoutMs ?? DRIVE_TIMEOUT_MS);
    while (Date.now() < deadline) {
      const driven = await lineDriven(this.version, this.address);
      if (exit) return exit;
      if (driven) return 'driven';
      await sleep(POLL_MS);
    }
    return exit ?? 'timeout';
  }

  private async stopHolder(): Promise<void> {
    const child = this.holder;
    if (!child) return;
    this.stopping = true;
    try {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end(this.version === 1 ? '\n' : 'exit\n');
      const t = setTimeout(() => child.kill('SIGKILL'), 1000);
      await gone;
      clearTimeout(t);
    } finally {
      this.holder = undefined;
      this.holding = undefined;
      this.stopping = false;
    }
  }
}
