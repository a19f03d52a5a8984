import type { Logger } from '../../common/logger.js';
import type { FacelockConfig } from '../config/configSchema.js';
import type { Lock } from '../ports.js';
import { GpiodLock } from './gpiod/gpiodLock.js';
import { relayAbsent } from './gpiod/gpiodTools.js';
import { SimLock } from './simLock.js';
import { SysfsLock } from './sysfs/sysfsLock.js';

/**
 * The lock driver of the config. `auto` takes the simulated lock only where there is no relay to drive (no GPIO at
 * all, or no line of that name), saying so; a relay line that exists but cannot be driven (busy, tools missing, a
 * failed drive) is a fault with `auto` as with `gpiod`: the door must not silently become a simulation.
 */
export async function createLock(config: Readonly<FacelockConfig>['lock'], log: Logger): Promise<Lock> {
  if (config.driver === 'sim') return new SimLock(log, config.simFile);
  if (config.driver === 'sysfs') return SysfsLock.open({ root: config.sysfsRoot, line: config.line, activeLow: config.activeLow }, log);
  if (config.driver === 'auto') {
    const absent = relayAbsent(config.line);
    if (absent) {
      log.warn(`${absent}: using the simulated lock, which records transitions only`);
      return new SimLock(log, config.simFile);
    }
  }
  return GpiodLock.open({ line: config.line, activeLow: config.activeLow, driveTimeoutMs: config.driveTimeoutMs }, log);
}
