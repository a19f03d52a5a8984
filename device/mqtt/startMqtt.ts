import { readFileSync } from 'node:fs';
import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { FacelockConfig } from '../config/configSchema.js';
import type { DoorWatch } from '../door/inputHandler.js';
import type { LockController } from '../lock/lockController.js';
import type { DoorStatus } from '../status/doorStatus.js';
import { type AttemptRecord, type AuditLog, doorEventAttempt } from '../store/auditLog.js';
import type { CodeAttempts } from './codeAttempts.js';
import type { MqttBridge } from './mqttBridge.js';

export interface MqttDeps {
  readonly status: DoorStatus;
  readonly lock: LockController;
  readonly audit: AuditLog;
  /** The audit row writer of the door (adds the door's name and the active alarms). */
  readonly record: (a: AttemptRecord) => void;
  readonly log: Logger;
  readonly lockedOut: () => boolean;
  readonly codes: CodeAttempts;
  readonly watch: DoorWatch;
  /** Whether a door contact is wired (its binary sensor is announced only then). */
  readonly hasContact: boolean;
  readonly hasTamper: boolean;
}

/**
 * The MQTT bridge of the config: secrets read from their files, remote commands through the lock controller (a
 * remote unlock is a grant: audited as one, and an opening after it is not forced). The MQTT client library loads
 * only here, so a door without a broker does not carry it.
 */
export async function startMqtt(config: NonNullable<FacelockConfig['mqtt']>, d: MqttDeps): Promise<MqttBridge> {
  const { MqttBridge } = await import('./mqttBridge.js');
  const secret = (file: string | undefined) => (file ? readFileSync(file, 'utf8').trim() : undefined);
  const password = secret(config.passwordFile);
  const commandSecret = secret(config.commandSecretFile);
  const { log, lock, watch } = d;
  return MqttBridge.start(
    {
      url: config.url,
      ...(config.username ? { username: config.username } : {}),
      ...(password ? { password } : {}),
      deviceId: config.deviceId,
      discoveryPrefix: config.discoveryPrefix,
      topicPrefix: config.topicPrefix,
      remoteCommands: config.remoteCommands,
      ...(commandSecret ? { commandSecret } : {}),
      contact: d.hasContact,
      tamper: d.hasTamper,
    },
    d.status,
    {
      unlock: async () => {
        watch.monitor.granted(watch.now());
        const opened = await lock.open();
        if (opened) {
          d.record(doorEventAttempt('unlock', 'remote', { method: 'remote', eventType: 'granted_remote' }));
          watch.events.emit({ type: 'granted_remote', method: 'remote' });
        }
        return opened;
      },
      lock: () => lock.close('remote command'),
      record: (detail) => {
        try {
          d.audit.event({ at: new Date().toISOString(), kind: 'event', source: 'facelock:mqtt', detail });
        } catch (err) {
          log.error('cannot write a remote command to the audit log', { error: describeError(err) });
        }
      },
      lockedOut: d.lockedOut,
    },
    log,
    d.codes,
  );
}
