import { LockError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { FacelockConfig } from '../config/configSchema.js';
import type { Lock } from '../ports.js';
import { GpiodLock } from './gpiod/gpiodLock.js';
import { SimLock } from './simLock.js';
import { SysfsLock } from './sysfs/sysfsLock.js';

/**
 * The lock driver of the config. `auto` takes gpiod when the relay line exists here and otherwise the simulated
 * lock, saying so; an explicit `gpiod` that cannot start is an error (the door must not silently become a simulation).
 */
export async function createLock(config: Readonly<FacelockConfig>['lock'], log: Logger): Promise<Lock> {
  if (config.driver === 'sim') return new SimLock(log, config.simFile);
  if (config.driver === 'sysfs') return SysfsLock.open({ root: config.sysfsRoot, line: config.line, activeLow: config.activeLow }, log);
  try {
    return await GpiodLock.open({ line: config.line, activeLow: config.activeLow, driveTimeoutMs: config.driveTimeoutMs }, log);
  } catch (err) {
    if (config.driver === 'gpiod' || !(err instanceof LockError)) throw err;
    log.warn(`no usable GPIO relay line (${err.message}): using the simulated lock, which records transitions only`);
    return new SimLock(log, config.simFile);
  }
}
