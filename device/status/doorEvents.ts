import { Counter, Gauge, type Registry } from 'prom-client';

/** The door's alarms (device/door/doorMonitor.ts raises and clears them). */
export type Alarm = 'forced_open' | 'held_open' | 'tamper' | 'jammed';

export const ALARMS: readonly Alarm[] = ['forced_open', 'held_open', 'tamper', 'jammed'];

export interface AlarmChange {
  readonly alarm: Alarm;
  readonly active: boolean;
  /** Monotonic ms. */
  readonly at: number;
  /** What raised it, for the log and the audit row (never anything biometric). */
  readonly detail: string;
}

export type ContactState = 'open' | 'closed' | 'unknown';

/** How someone got in, or tried to. `schedule` is reserved for timed unlocks (facelock has none yet). */
export type Method = 'face' | 'exit_button' | 'remote' | 'schedule';

/**
 * Every event the door emits, as Home Assistant's event entity lists them: grants by method, denials (with the
 * reason), spoofs, lockouts, and the alarms raised and cleared.
 */
export const DOOR_EVENT_TYPES = [
  'granted_face',
  'granted_exit_button',
  'granted_remote',
  'denied',
  'spoof',
  'lockout',
  'forced_open',
  'held_open',
  'tamper',
  'jammed',
  'alarm_cleared',
] as const;

export type DoorEventType = (typeof DOOR_EVENT_TYPES)[number];

/** One door event: who only on a grant, why only on a denial; never a score, an embedding or an image. */
export interface DoorEvent {
  readonly type: DoorEventType;
  readonly at: string;
  readonly door: string;
  readonly method?: Method;
  readonly user?: string;
  readonly reason?: string;
  readonly alarm?: Alarm;
  readonly detail?: string;
  /** The lockout's length, on `lockout`. */
  readonly seconds?: number;
}

/** The event type of a face decision. */
export function decisionEventType(outcome: 'unlock' | 'reject', reason: string | null): DoorEventType {
  if (outcome === 'unlock') return 'granted_face';
  if (reason === 'spoof') return 'spoof';
  if (reason === 'locked_out') return 'lockout';
  return 'denied';
}

/**
 * The door's events and alarm state for the status interface, the metrics and MQTT: every event goes to the
 * listeners; alarms are also kept as the set active now, a gauge per alarm and a counter of raises.
 */
export class DoorEventHub {
  private readonly listeners: ((e: DoorEvent) => void)[] = [];
  private readonly stateListeners: (() => void)[] = [];
  private readonly active = new Set<Alarm>();
  private contactState: ContactState = 'unknown';
  private readonly raised: Counter<'alarm'>;

  constructor(
    readonly door: string,
    registry: Registry,
  ) {
    this.raised = new Counter({
      name: 'facelock_alarms_total',
      help: 'Alarms raised, by alarm',
      labelNames: ['alarm'],
      registers: [registry],
    });
    const gauge = new Gauge({
      name: 'facelock_alarm_active',
      help: '1 while the alarm is active',
      labelNames: ['alarm'] as const,
      registers: [registry],
      collect: () => {
        for (const a of ALARMS) gauge.set({ alarm: a }, this.active.has(a) ? 1 : 0);
      },
    });
  }

  get alarms(): Alarm[] {
    return ALARMS.filter((a) => this.active.has(a));
  }

  get contact(): ContactState {
    return this.contactState;
  }

  onEvent(listener: (e: DoorEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Called when the alarms or the contact change (for retained MQTT states). */
  onStateChange(listener: () => void): void {
    this.stateListeners.push(listener);
  }

  emit(e: Omit<DoorEvent, 'door' | 'at'> & { at?: string }): void {
    const event: DoorEvent = { at: new Date().toISOString(), ...e, door: this.door };
    for (const l of this.listeners) l(event);
  }

  alarm(c: AlarmChange): void {
    if (c.active) {
      this.active.add(c.alarm);
      this.raised.inc({ alarm: c.alarm });
      this.emit({ type: c.alarm, alarm: c.alarm, detail: c.detail });
    } else {
      this.active.delete(c.alarm);
      this.emit({ type: 'alarm_cleared', alarm: c.alarm, detail: c.detail });
    }
    for (const l of this.stateListeners) l();
  }

  contactChanged(state: ContactState): void {
    this.contactState = state;
    for (const l of this.stateListeners) l();
  }
}
