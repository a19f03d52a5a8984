import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { LockController } from '../lock/lockController.js';
import type { Inputs } from '../ports.js';
import type { DoorEventHub } from '../status/doorEvents.js';
import { type AttemptRecord, doorEventAttempt } from '../store/auditLog.js';
import type { DoorMonitor } from './doorMonitor.js';

/** The door monitor and event hub the inputs feed, on the monotonic clock. */
export interface DoorWatch {
  readonly monitor: DoorMonitor;
  readonly events: DoorEventHub;
  readonly now: () => number;
}

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
  door?: DoorWatch,
): Promise<void> {
  // the audit row comes after the action: the exit button is the way out, and a full disk must not keep anyone in
  const record = (outcome: 'unlock' | 'reject', reason: string, extra: Partial<AttemptRecord>) => {
    try {
      write(outcome, reason, extra);
    } catch (err) {
      log.error('cannot write a door event to the audit log; the inputs are still watched', { reason, error: describeError(err) });
    }
  };
  const write = (outcome: 'unlock' | 'reject', reason: string, extra: Partial<AttemptRecord>) =>
    audit(doorEventAttempt(outcome, reason, extra));
  try {
    for await (const event of inputs.events(signal)) {
      switch (event.kind) {
        case 'door_closed':
          door?.monitor.contactChanged(false, door.now());
          door?.events.contactChanged('closed');
          if (lock.isUnlocked) {
            await lock.close('door contact closed');
            log.info('door closed: relocked');
          }
          break;
        case 'door_opened':
          log.info('door opened');
          door?.monitor.contactChanged(true, door.now());
          door?.events.contactChanged('open');
          break;
        case 'exit_button':
          door?.monitor.granted(door.now());
          if (await lock.open()) {
            log.info('exit button: unlocked');
            record('unlock', 'exit_button', { method: 'exit_button', eventType: 'granted_exit_button' });
            door?.events.emit({ type: 'granted_exit_button', method: 'exit_button' });
          }
          break;
        case 'tamper':
          log.error('tamper switch: enclosure opened; locking');
          door?.monitor.tamper(true, door.now());
          await lock.close('tamper').catch(() => {}); // logged by the lock controller
          record('reject', 'tamper', { eventType: 'tamper' });
          break;
        case 'tamper_cleared':
          log.info('tamper switch: enclosure closed');
          door?.monitor.tamper(false, door.now());
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
