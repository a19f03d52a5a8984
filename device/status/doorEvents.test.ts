import { describe, expect, it } from 'vitest';
import type { DoorEvent } from './doorEvents.js';
import { DoorStatus } from './doorStatus.js';

describe('door events from decisions and alarms', () => {
  it('names the user only on a grant, the reason only on a denial, and announces a lockout when one starts', () => {
    const status = new DoorStatus(undefined, undefined, 'backdoor');
    const seen: DoorEvent[] = [];
    status.events.onEvent((e) => seen.push(e));
    const at = '2026-12-02T17:00:00.000Z';
    status.decision({ at, outcome: 'unlock', reason: null, user: 'ann', frames: 4 });
    status.decision({ at, outcome: 'reject', reason: 'no_match', user: null, frames: 6, lockoutSeconds: 30 });
    status.decision({ at, outcome: 'reject', reason: 'spoof', user: null, frames: 9 });
    status.events.alarm({ alarm: 'forced_open', active: true, at: 1, detail: 'opened while locked' });
    status.events.alarm({ alarm: 'forced_open', active: false, at: 2, detail: 'the door closed' });
    expect(seen.map((e) => [e.type, e.method ?? null, e.user ?? null, e.reason ?? null, e.seconds ?? null, e.alarm ?? null])).toEqual([
      ['granted_face', 'face', 'ann', null, null, null],
      ['denied', 'face', null, 'no_match', null, null],
      ['lockout', 'face', null, null, 30, null],
      ['spoof', 'face', null, null, null, null],
      ['forced_open', null, null, null, null, 'forced_open'],
      ['alarm_cleared', null, null, null, null, 'forced_open'],
    ]);
    expect(seen.every((e) => e.door === 'backdoor')).toBe(true);
    expect(status.snapshot()).toMatchObject({ door: 'backdoor', alarms: [], contact: 'unknown' });
  });
});
