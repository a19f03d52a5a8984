import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import type { Lock } from '../../ports.js';
import { sysfsChips, sysfsLineNumber } from './sysfsChips.js';

export interface SysfsLockOptions {
  readonly root: string;
  readonly line: string;
  readonly activeLow: boolean;
}

/**
 * The relay through the deprecated sysfs GPIO interface (export, active_low, direction, value). Unlike the gpiod
 * driver, a line keeps its value when the daemon dies: only ExecStopPost (`facelock lock release`) drives it inactive
 * after a crash. Prefer gpiod; this driver is for kernels and images without the libgpiod tools.
 */
export class SysfsLock implements Lock {
  readonly name = 'sysfs';

  private constructor(
    private readonly dir: string,
    private readonly root: string,
    private readonly number: number,
  ) {}

  static async open(o: SysfsLockOptions, log: Logger): Promise<SysfsLock> {
    const { chip, number } = sysfsLineNumber(sysfsChips(o.root), o.line);
    const dir = join(o.root, `gpio${number}`);
    const write = (file: string, value: string) => {
      try {
        writeFileSync(file, value);
      } catch (err) {
        throw new LockError(
          `cannot write ${value} to ${file} (${(err as NodeJS.ErrnoException).code}): is the line in use, and may this user write to ${o.root}?`,
          {
            cause: err,
          },
        );
      }
    };
    if (!existsSync(dir)) write(join(o.root, 'export'), String(number));
    // udev sets the permissions of a freshly exported line a moment later
    for (let waited = 0; ; waited += 20) {
      try {
        accessSync(join(dir, 'direction'), constants.W_OK);
        accessSync(join(dir, 'value'), constants.W_OK);
        break;
      } catch (err) {
        if (waited >= 2000) throw new LockError(`${dir} did not appear (or stayed read-only) after exporting ${number}`, { cause: err });
        await sleep(20);
      }
    }
    write(join(dir, 'active_low'), o.activeLow ? '1' : '0');
    write(join(dir, 'direction'), 'low'); // output, inactive, in one step: no glitch
    log.info('relay line exported', { line: o.line, chip: chip.label, base: chip.base, number });
    return new SysfsLock(dir, o.root, number);
  }

  async unlock(): Promise<void> {
    this.set('1');
  }

  async lock(): Promise<void> {
    this.set('0');
  }

  async close(): Promise<void> {
    this.set('0');
    try {
      writeFileSync(join(this.root, 'unexport'), String(this.number));
    } catch {
      // already gone: nothing holds it
    }
  }

  private set(v: '0' | '1'): void {
    try {
      writeFileSync(join(this.dir, 'value'), v);
    } catch (err) {
      throw new LockError(`cannot drive ${this.dir} ${v === '1' ? 'active' : 'inactive'}: ${(err as Error).message}`, { cause: err });
    }
  }
}
