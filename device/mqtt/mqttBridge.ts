import { createHash, timingSafeEqual } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.js';
import { monotonicMs } from '../../common/monotonicClock.js';
import type { DoorEvent } from '../status/doorEvents.js';
import type { DecisionEvent, DoorStatus } from '../status/doorStatus.js';
import { CodeAttempts } from './codeAttempts.js';
import { discoveryMessages } from './haDiscovery.js';

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
  /** Whether a door contact and a tamper switch are wired (their binary sensors are announced only then). */
  readonly contact?: boolean;
  readonly tamper?: boolean;
}

/** What a remote command may do, and where its outcome is recorded. */
export interface RemoteDoor {
  unlock(): Promise<boolean>;
  lock(): Promise<void>;
  record(detail: string): void;
  /** Whether the door is locked out after failed face attempts: a remote unlock is refused then too. */
  lockedOut(): boolean;
}

/** Largest command payload read (Home Assistant's JSON with a code is well under 100 bytes). */
export const MAX_COMMAND_BYTES = 256;

/** The broker URL without the user name and password it may carry, for the log. */
export function redactedUrl(url: string): string {
  return url.replace(/^(mqtts?:\/\/)[^@/]*@/, '$1***@');
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
  /** The retained states as last published (each is published again only when it changes). */
  private readonly published = new Map<string, string>();
  private ticker: NodeJS.Timeout | undefined;

  private constructor(
    private readonly client: MqttClient,
    private readonly o: MqttBridgeOptions,
    private readonly codes: CodeAttempts,
    private readonly clock: () => number = monotonicMs,
  ) {}

  get base(): string {
    return `${this.o.topicPrefix}/${this.o.deviceId}`;
  }

  /** `codes` is the wrong-code throttle, restored from the database by the caller so that a restart keeps it. */
  static start(o: MqttBridgeOptions, status: DoorStatus, door: RemoteDoor, log: Logger, codes = new CodeAttempts()): MqttBridge {
    const base = `${o.topicPrefix}/${o.deviceId}`;
    const client = connect(o.url, {
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
      clientId: `facelock-${o.deviceId}`,
      reconnectPeriod: 5000,
      will: { topic: `${base}/availability`, payload: Buffer.from('offline'), retain: true, qos: 1 },
    });
    const bridge = new MqttBridge(client, o, codes);
    let warned = false;
    const url = redactedUrl(o.url);
    client.on('error', (err) => {
      if (!warned) log.error('MQTT broker unreachable (retrying every 5 s; the door works without it)', { url, error: err.message });
      warned = true;
    });
    client.on('connect', () => {
      warned = false;
      log.info('MQTT connected', { url, base });
      bridge.publishDiscovery();
      bridge.publish('availability', 'online', true);
      bridge.publishStates(status, true);
      // no command topic at all unless remote commands are on
      if (o.remoteCommands) client.subscribe(`${base}/set`, { qos: 1 });
    });
    client.on('message', (topic, payload, packet) => {
      if (topic !== `${base}/set` || !o.remoteCommands) return;
      // a retained command would act again on every connect and every restart: only live commands count
      if (packet.retain) {
        log.warn('retained remote command ignored (clear it: publish an empty retained message to the topic)', { topic });
        return;
      }
      void bridge.command(payload, door, log);
    });
    status.onLockState(() => bridge.publishStates(status));
    status.events.onStateChange(() => bridge.publishStates(status));
    status.onDecision((e) => bridge.decision(e));
    status.events.onEvent((e) => bridge.doorEvent(e));
    // the lockout's remaining seconds, the camera's and drift's problems: looked at every second, sent on change
    bridge.ticker = setInterval(() => bridge.publishStates(status), 1000);
    bridge.ticker.unref();
    return bridge;
  }

  private publish(sub: string, payload: string, retain = false): void {
    this.client.publish(`${this.base}/${sub}`, payload, { retain, qos: 1 });
  }

  private publishDiscovery(): void {
    const o = { ...this.o, base: this.base, contact: this.o.contact ?? false, tamper: this.o.tamper ?? false };
    for (const [topic, payload] of discoveryMessages(o)) this.client.publish(topic, JSON.stringify(payload), { retain: true, qos: 1 });
  }

  /** The retained states: the lock (JAMMED while the relay cannot be driven), contact, tamper, problem, lockout. */
  private publishStates(status: DoorStatus, force = false): void {
    const alarms = status.events.alarms;
    const jammed = alarms.includes('jammed');
    const drift = status.driftWarnings;
    const cameraStale = status.secondsSinceFrame() > 10;
    const states: [string, string][] = [
      ['state', jammed ? 'JAMMED' : status.isUnlocked ? 'UNLOCKED' : 'LOCKED'],
      ['problem', jammed || cameraStale || drift.length > 0 ? 'ON' : 'OFF'],
      ['problem/attributes', JSON.stringify({ jammed, cameraStale, drift })],
      ['lockout', String(status.lockoutSeconds())],
      ...(this.o.contact && status.events.contact !== 'unknown' ? [['contact', status.events.contact] as [string, string]] : []),
      ...(this.o.tamper ? [['tamper', alarms.includes('tamper') ? 'ON' : 'OFF'] as [string, string]] : []),
    ];
    for (const [sub, value] of states) {
      if (!force && this.published.get(sub) === value) continue;
      this.published.set(sub, value);
      this.publish(sub, value, true);
    }
  }

  /** A door event on the event entity's topic (`event_type` and its attributes), and an alarm's device trigger. */
  private doorEvent(e: DoorEvent): void {
    const { type, ...attributes } = e;
    this.publish('events', JSON.stringify({ event_type: type, ...attributes }));
    if (e.alarm && type !== 'alarm_cleared') this.publish(`alarm/${e.alarm}`, 'raised');
  }

  private decision(e: DecisionEvent): void {
    this.publish('event', JSON.stringify(e));
    this.publish('last_outcome', e.reason ? `${e.outcome} (${e.reason})` : e.outcome, true);
    if (e.user) this.publish('last_user', e.user, true);
  }

  /**
   * A remote command: `UNLOCK`/`LOCK`, or Home Assistant's `{"command": ..., "code": ...}`, at most
   * MAX_COMMAND_BYTES. The code is checked only while CodeAttempts allows it; an unlock is refused during a lockout.
   * Every refusal is logged; the audit log gets one row per command checked, none for those refused unread.
   */
  async command(payload: Buffer | string, door: RemoteDoor, log: Logger): Promise<CommandResult> {
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const result = (command: string, accepted: boolean, reason: string, audited = true): CommandResult => {
      const r = { command, accepted, reason };
      this.publish('command_result', JSON.stringify(r));
      if (audited) door.record(`remote ${command} ${accepted ? 'accepted' : 'refused'}: ${reason}`);
      if (!accepted) log.warn('remote command refused', { command, reason });
      else log.info('remote command', { command });
      return r;
    };
    if (bytes.length > MAX_COMMAND_BYTES)
      return result('?', false, `payload of ${bytes.length} bytes refused unread (at most ${MAX_COMMAND_BYTES})`, false);
    const { command, code } = parseCommand(bytes.toString('utf8'));
    if (command !== 'LOCK' && command !== 'UNLOCK') return result('?', false, 'unknown command (LOCK or UNLOCK)', false);
    if (!this.o.remoteCommands) return result(command, false, 'remote commands are disabled (mqtt.remoteCommands)', false);
    const now = this.clock();
    const allowed = this.codes.check(now);
    if (!allowed.allowed) return result(command, false, allowed.reason, false);
    if (!code || !this.o.commandSecret || !same(code, this.o.commandSecret)) {
      const delay = this.codes.failure(now);
      const n = this.codes.consecutiveFailures;
      return result(
        command,
        false,
        `missing or wrong code${delay > 0 ? ` (${n} in a row: codes are not checked for ${Math.ceil(delay / 1000)} s)` : ''}`,
      );
    }
    this.codes.success();
    if (command === 'LOCK') {
      await door.lock();
      return result(command, true, 'locked');
    }
    if (door.lockedOut()) return result(command, false, 'the door is locked out after failed attempts: no remote unlock until it ends');
    return (await door.unlock())
      ? result(command, true, 'unlocked for one pulse')
      : result(command, false, 'the relay could not be driven');
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.publish('availability', 'offline', true);
    await this.client.endAsync();
  }
}

/** The command and code of a payload: JSON `{"command", "code"}` or a bare word; anything else has no command. */
function parseCommand(text: string): { command: string; code: string | undefined } {
  try {
    const parsed = JSON.parse(text) as { command?: unknown; code?: unknown } | null;
    if (typeof parsed === 'object' && parsed)
      return {
        command: typeof parsed.command === 'string' ? parsed.command.trim().toUpperCase() : '',
        code: typeof parsed.code === 'string' ? parsed.code : undefined,
      };
  } catch {
    // a plain LOCK / UNLOCK
  }
  return { command: text.trim().toUpperCase(), code: undefined };
}
