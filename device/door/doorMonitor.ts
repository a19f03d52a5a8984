import { ALARMS, type Alarm, type AlarmChange, type ContactState } from '../status/doorEvents.js';

export type { Alarm, AlarmChange, ContactState } from '../status/doorEvents.js';
export { ALARMS } from '../status/doorEvents.js';

/**
 * The door as an access point (BACnet access-point events; Matter's doorForcedOpen / doorAjar / lockJammed): its
 * state from the contact, the relay and the grants, and four alarms. **Forced open**: the contact opens while the
 * relay is locked and nothing let anyone in (face, exit button, remote command) within the grace window. **Held
 * open**: the door stays open longer than the limit after a legitimate opening. Both clear when the door closes.
 * **Tamper**: the enclosure switch is active. **Jammed**: the relay could not be driven; cleared by the next drive
 * that works. Pure logic on the monotonic clock; `tick` is called a few times a second for the held-open limit.
 */
export interface DoorMonitorOptions {
  /** A grant this recent still explains an opening after the relay locked again (someone slow to push). */
  readonly forcedOpenGraceMs: number;
  /** How long the door may stay open after a legitimate opening. */
  readonly heldOpenMs: number;
}

export class DoorMonitor {
  private contactState: ContactState = 'unknown';
  private relayUnlocked = false;
  private lastGrantAt = Number.NEGATIVE_INFINITY;
  /** When the door opened legitimately (held-open timing), if it is open now. */
  private openedAt: number | undefined;
  private readonly active = new Set<Alarm>();

  constructor(
    private readonly o: DoorMonitorOptions,
    private readonly onChange: (c: AlarmChange) => void,
  ) {}

  get contact(): ContactState {
    return this.contactState;
  }

  get alarms(): Alarm[] {
    return ALARMS.filter((a) => this.active.has(a));
  }

  /** Someone was let in: a face, the exit button, a remote command. */
  granted(now: number): void {
    this.lastGrantAt = now;
  }

  relay(unlocked: boolean): void {
    this.relayUnlocked = unlocked;
  }

  contactChanged(open: boolean, now: number): void {
    const was = this.contactState;
    this.contactState = open ? 'open' : 'closed';
    if (!open) {
      this.openedAt = undefined;
      this.set('forced_open', false, now, 'the door closed');
      this.set('held_open', false, now, 'the door closed');
      return;
    }
    if (was === 'open') return;
    const sinceGrant = now - this.lastGrantAt;
    if (this.relayUnlocked || sinceGrant <= this.o.forcedOpenGraceMs) this.openedAt = now;
    else
      this.set(
        'forced_open',
        true,
        now,
        Number.isFinite(sinceGrant)
          ? `opened while locked, ${Math.round(sinceGrant / 1000)} s after the last grant`
          : 'opened while locked, with no grant since the start',
      );
  }

  tamper(activeNow: boolean, now: number): void {
    this.set('tamper', activeNow, now, activeNow ? 'the enclosure switch is open' : 'the enclosure switch closed');
  }

  jammed(activeNow: boolean, now: number, detail: string): void {
    this.set('jammed', activeNow, now, detail);
  }

  tick(now: number): void {
    if (this.openedAt !== undefined && now - this.openedAt > this.o.heldOpenMs)
      this.set('held_open', true, now, `open for more than ${Math.round(this.o.heldOpenMs / 1000)} s`);
  }

  private set(alarm: Alarm, activeNow: boolean, at: number, detail: string): void {
    if (this.active.has(alarm) === activeNow) return;
    if (activeNow) this.active.add(alarm);
    else this.active.delete(alarm);
    this.onChange({ alarm, active: activeNow, at, detail });
  }
}
