import { createHash, timingSafeEqual } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.js';
import type { DecisionEvent, DoorStatus } from '../status/doorStatus.js';

export interface MqttBridgeOptions {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly deviceId: string;
  readonly discoveryPrefix: string;
  readonly topicPrefix: string;
  readonly remoteCommands: boolean;
  /** The code a remote command must carry (Home Assistant's lock code). */
  readonly commandSecret?: string;
}

/** What a remote command may do, and where its outcome is recorded. */
export interface RemoteDoor {
  unlock(): Promise<boolean>;
  lock(): Promise<void>;
  record(detail: string): void;
}

export interface CommandResult {
  readonly command: string;
  readonly accepted: boolean;
  readonly reason: string;
}

const same = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * The door in Home Assistant over MQTT (the `mqtt` package): discovery of a lock and two sensors, the lock state,
 * the last user and outcome, one event per decision, and remote commands, refused unless `remoteCommands` is on and
 * the command carries the code. Nothing biometric is published: a name, an outcome, a reason.
 */
export class MqttBridge {
  private constructor(
    private readonly client: MqttClient,
    private readonly o: MqttBridgeOptions,
  ) {}

  get base(): string {
    return `${this.o.topicPrefix}/${this.o.deviceId}`;
  }

  static start(o: MqttBridgeOptions, status: DoorStatus, door: RemoteDoor, log: Logger): MqttBridge {
    const base = `${o.topicPrefix}/${o.deviceId}`;
    const client = connect(o.url, {
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
      clientId: `facelock-${o.deviceId}`,
      reconnectPeriod: 5000,
      will: { topic: `${base}/availability`, payload: Buffer.from('offline'), retain: true, qos: 1 },
    });
    const bridge = new MqttBridge(client, o);
    let warned = false;
    client.on('error', (err) => {
      if (!warned) log.error('MQTT broker unreachable (retrying every 5 s; the door works without it)', { url: o.url, error: err.message });
      warned = true;
    });
    client.on('connect', () => {
      warned = false;
      log.info('MQTT connected', { url: o.url, base });
      bridge.publishDiscovery();
      bridge.publish('availability', 'online', true);
      bridge.publish('state', status.isUnlocked ? 'UNLOCKED' : 'LOCKED', true);
      client.subscribe(`${base}/set`, { qos: 1 });
    });
    client.on('message', (topic, payload) => {
      if (topic !== `${base}/set`) return;
      void bridge.command(payload.toString('utf8'), door, log);
    });
    status.onLockState((unlocked) => bridge.publish('state', unlocked ? 'UNLOCKED' : 'LOCKED', true));
    status.onDecision((e) => bridge.decision(e));
    return bridge;
  }

  private publish(sub: string, payload: string, retain = false): void {
    this.client.publish(`${this.base}/${sub}`, payload, { retain, qos: 1 });
  }

  private publishDiscovery(): void {
    const device = {
      identifiers: [this.o.deviceId],
      name: `facelock ${this.o.deviceId}`,
      manufacturer: 'facelock',
      model: 'face-verification door lock',
    };
    const availability_topic = `${this.base}/availability`;
    const lock = {
      name: 'Door',
      unique_id: `${this.o.deviceId}_lock`,
      state_topic: `${this.base}/state`,
      command_topic: `${this.base}/set`,
      payload_lock: 'LOCK',
      payload_unlock: 'UNLOCK',
      state_locked: 'LOCKED',
      state_unlocked: 'UNLOCKED',
      availability_topic,
      ...(this.o.remoteCommands ? { code_format: '^\\S+$', command_template: '{"command":"{{ value }}","code":"{{ code }}"}' } : {}),
      device,
    };
    const sensor = (key: string, name: string) => ({
      name,
      unique_id: `${this.o.deviceId}_${key}`,
      state_topic: `${this.base}/${key}`,
      availability_topic,
      device,
    });
    const d = this.o.discoveryPrefix;
    this.client.publish(`${d}/lock/${this.o.deviceId}/config`, JSON.stringify(lock), { retain: true, qos: 1 });
    this.client.publish(`${d}/sensor/${this.o.deviceId}_last_user/config`, JSON.stringify(sensor('last_user', 'Last user')), {
      retain: true,
      qos: 1,
    });
    this.client.publish(`${d}/sensor/${this.o.deviceId}_last_outcome/config`, JSON.stringify(sensor('last_outcome', 'Last outcome')), {
      retain: true,
      qos: 1,
    });
  }

  private decision(e: DecisionEvent): void {
    this.publish('event', JSON.stringify(e));
    this.publish('last_outcome', e.reason ? `${e.outcome} (${e.reason})` : e.outcome, true);
    if (e.user) this.publish('last_user', e.user, true);
  }

  /** A remote command: `UNLOCK`/`LOCK`, or Home Assistant's `{"command": ..., "code": ...}`. */
  async command(text: string, door: RemoteDoor, log: Logger): Promise<CommandResult> {
    let command = text.trim();
    let code: string | undefined;
    try {
      const parsed = JSON.parse(text) as { command?: unknown; code?: unknown };
      if (typeof parsed === 'object' && parsed) {
        command = String(parsed.command ?? '');
        code = typeof parsed.code === 'string' ? parsed.code : undefined;
      }
    } catch {
      // a plain LOCK / UNLOCK
    }
    command = command.toUpperCase();
    const result = (accepted: boolean, reason: string): CommandResult => {
      const r = { command, accepted, reason };
      this.publish('command_result', JSON.stringify(r));
      door.record(`remote ${command} ${accepted ? 'accepted' : 'refused'}: ${reason}`);
      if (!accepted) log.warn('remote command refused', { command, reason });
      else log.info('remote command', { command });
      return r;
    };
    if (command !== 'LOCK' && command !== 'UNLOCK') return result(false, 'unknown command (LOCK or UNLOCK)');
    if (!this.o.remoteCommands) return result(false, 'remote commands are disabled (mqtt.remoteCommands)');
    if (!code || !this.o.commandSecret || !same(code, this.o.commandSecret)) return result(false, 'missing or wrong code');
    if (command === 'LOCK') {
      await door.lock();
      return result(true, 'locked');
    }
    return (await door.unlock()) ? result(true, 'unlocked for one pulse') : result(false, 'the relay could not be driven');
  }

  async stop(): Promise<void> {
    this.publish('availability', 'offline', true);
    await this.client.endAsync();
  }
}
