import { readFileSync } from 'node:fs';
import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { FacelockConfig } from '../config/configSchema.js';
import type { LockController } from '../lock/lockController.js';
import type { DoorStatus } from '../status/doorStatus.js';
import type { AuditLog } from '../store/auditLog.js';
import type { CodeAttempts } from './codeAttempts.js';
import type { MqttBridge } from './mqttBridge.js';

/**
 * The MQTT bridge of the config: secrets read from their files, remote commands through the lock controller. The
 * MQTT client library loads only here, so a door without a broker does not carry it.
 */
export async function startMqtt(
  config: NonNullable<FacelockConfig['mqtt']>,
  status: DoorStatus,
  lock: LockController,
  audit: AuditLog,
  log: Logger,
  lockedOut: () => boolean,
  codes: CodeAttempts,
): Promise<MqttBridge> {
  const { MqttBridge } = await import('./mqttBridge.js');
  const secret = (file: string | undefined) => (file ? readFileSync(file, 'utf8').trim() : undefined);
  const password = secret(config.passwordFile);
  const commandSecret = secret(config.commandSecretFile);
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
    },
    status,
    {
      unlock: () => lock.open(),
      lock: () => lock.close('remote command'),
      record: (detail) => {
        try {
          audit.event({ at: new Date().toISOString(), kind: 'event', source: 'facelock:mqtt', detail });
        } catch (err) {
          log.error('cannot write a remote command to the audit log', { error: describeError(err) });
        }
      },
      lockedOut,
    },
    log,
    codes,
  );
}
