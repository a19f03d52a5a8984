import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { LockController } from '../lock/lockController.js';
import type { Inputs } from '../ports.js';
import type { AttemptRecord } from '../store/auditLog.js';

/**
 * Reacts to the door's inputs: the door contact closing relocks at once (no need to wait for the pulse), the exit
 * button opens for one pulse (and is audited), a tamper switch is logged as an error and locks. A failing input
 * source is logged and the door stays locked; it never opens the door.
 */
export async function handleInputs(
  inputs: Inputs,
  lock: LockController,
  audit: (a: AttemptRecord) => void,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  // the audit row comes after the action: the exit button is the way out, and a full disk must not keep anyone in
  const record = (outcome: 'unlock' | 'reject', reason: string) => {
    try {
      write(outcome, reason);
    } catch (err) {
      log.error('cannot write a door event to the audit log; the inputs are still watched', { reason, error: describeError(err) });
    }
  };
  const write = (outcome: 'unlock' | 'reject', reason: string) =>
    audit({
      at: new Date().toISOString(),
      outcome,
      reason,
      userId: null,
      score: null,
      liveness: null,
      timings: {},
      yaw: null,
      pitch: null,
      roll: null,
      luminance: null,
      contrast: null,
    });
  try {
    for await (const event of inputs.events(signal)) {
      switch (event.kind) {
        case 'door_closed':
          if (lock.isUnlocked) {
            await lock.close('door contact closed');
            log.info('door closed: relocked');
          }
          break;
        case 'door_opened':
          log.info('door opened');
          break;
        case 'exit_button':
          if (await lock.open()) {
            log.info('exit button: unlocked');
            record('unlock', 'exit_button');
          }
          break;
        case 'tamper':
          log.error('tamper switch: enclosure opened; locking');
          await lock.close('tamper');
          record('reject', 'tamper');
          break;
      }
    }
  } catch (err) {
    log.error('door inputs failed: the door stays locked, contact and exit button are not watched', {
      inputs: inputs.name,
      error: String(err),
    });
    await lock.close('inputs failed');
  }
}
