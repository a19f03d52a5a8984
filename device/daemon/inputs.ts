import type { Logger } from '../../common/logger.js';
import type { FacelockConfig } from '../config/configSchema.js';
import { type DoorWatch, handleInputs } from '../door/inputHandler.js';
import { GpiomonInputs } from '../lock/gpiod/gpiomonInputs.js';
import type { LockController } from '../lock/lockController.js';
import type { AttemptRecord } from '../store/auditLog.js';

/** The configured inputs (gpiomon), handled until the signal aborts; nothing to watch with `inputs.driver: none`. */
export function startInputs(
  config: FacelockConfig['inputs'],
  lock: LockController,
  audit: (a: AttemptRecord) => void,
  log: Logger,
  signal: AbortSignal,
  door?: DoorWatch,
): Promise<void> {
  if (config.driver !== 'gpiod') return Promise.resolve();
  const inputs = new GpiomonInputs({
    activeLow: config.activeLow,
    debounceMs: config.debounceMs,
    ...(config.doorContact ? { doorContact: config.doorContact } : {}),
    ...(config.exitButton ? { exitButton: config.exitButton } : {}),
    ...(config.tamper ? { tamper: config.tamper } : {}),
  });
  return handleInputs(inputs, lock, audit, log, signal, door);
}
