import type { Logger } from '../../common/logger.js';
import { monotonicMs } from '../../common/monotonicClock.js';
import type { FacelockConfig } from '../config/configSchema.js';
import { type AlarmChange, DoorMonitor } from '../door/doorMonitor.js';
import type { DoorWatch } from '../door/inputHandler.js';
import type { LockController } from '../lock/lockController.js';
import type { DoorStatus } from '../status/doorStatus.js';
import type { AuditLog } from '../store/auditLog.js';

const TICK_MS = 250;

/**
 * The door monitor of the daemon: fed by the relay (its state and its faults), the inputs and the grants; each alarm
 * raised or cleared is a log line, an `alarm` row in the audit log's events, and an event for status, metrics and
 * MQTT. Returns the watch and the function that stops its timer.
 */
export function startDoorWatch(
  config: Readonly<FacelockConfig>,
  status: DoorStatus,
  lock: LockController,
  audit: AuditLog,
  log: Logger,
): { watch: DoorWatch; stop: () => void } {
  const onChange = (c: AlarmChange) => {
    const fields = { alarm: c.alarm, detail: c.detail };
    if (c.active) log.warn(`alarm: ${c.alarm.replace('_', ' ')}`, fields);
    else log.info(`alarm cleared: ${c.alarm.replace('_', ' ')}`, fields);
    try {
      audit.event({
        at: new Date().toISOString(),
        kind: 'alarm',
        source: 'facelock:door',
        detail: `${c.alarm} ${c.active ? 'raised' : 'cleared'}: ${c.detail}`,
      });
    } catch (err) {
      log.error('cannot write an alarm to the audit log', { alarm: c.alarm, error: String(err) });
    }
    status.events.alarm(c);
  };
  const monitor = new DoorMonitor(config.door, onChange);
  lock.observe((unlocked) => monitor.relay(unlocked));
  lock.onFault((jammed, detail) => monitor.jammed(jammed, monotonicMs(), detail));
  const timer = setInterval(() => monitor.tick(monotonicMs()), TICK_MS);
  timer.unref();
  return { watch: { monitor, events: status.events, now: monotonicMs }, stop: () => clearInterval(timer) };
}
