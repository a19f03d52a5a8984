import { describe, expect, it } from 'vitest';
import { type AlarmChange, DoorMonitor } from './doorMonitor.js';

function monitor() {
  const changes: AlarmChange[] = [];
  const m = new DoorMonitor({ forcedOpenGraceMs: 2000, heldOpenMs: 30_000 }, (c) => changes.push(c));
  const seen = () => changes.map((c) => `${c.active ? '+' : '-'}${c.alarm}@${c.at}`);
  return { m, seen };
}

describe('the door monitor: forced open, held open, tamper, jammed', () => {
  it('calls an opening without a grant forced open, and clears it when the door closes', () => {
    const { m, seen } = monitor();
    m.contactChanged(false, 0);
    m.contactChanged(true, 10_000);
    expect(m.alarms).toEqual(['forced_open']);
    m.contactChanged(true, 10_500); // the same opening reported again: nothing new
    m.contactChanged(false, 12_000);
    expect(seen()).toEqual(['+forced_open@10000', '-forced_open@12000']);
    expect(m.alarms).toEqual([]);
  });

  it('takes an opening while the relay is unlocked, or just after a grant, as legitimate', () => {
    const { m, seen } = monitor();
    m.granted(1000);
    m.relay(true);
    m.contactChanged(true, 1500);
    m.contactChanged(false, 3000);
    m.relay(false);
    // the relay locked at 4 s; someone slow pushes at 4.5 s, within 2 s of a grant at 3 s
    m.granted(3000);
    m.contactChanged(true, 4500);
    m.contactChanged(false, 6000);
    // 2.5 s after the last grant, with the relay locked: forced
    m.contactChanged(true, 8600);
    expect(seen()).toEqual(['+forced_open@8600']);
  });

  it('raises held open once after the limit, and clears it when the door closes', () => {
    const { m, seen } = monitor();
    m.granted(0);
    m.relay(true);
    m.contactChanged(true, 100);
    for (let t = 0; t <= 40_000; t += 250) m.tick(t);
    m.contactChanged(false, 45_000);
    m.tick(50_000);
    expect(seen()).toEqual(['+held_open@30250', '-held_open@45000']);
  });

  it('does not raise held open for a door closed in time, nor forced open twice for one opening', () => {
    const { m, seen } = monitor();
    m.granted(0);
    m.relay(true);
    m.contactChanged(true, 100);
    m.tick(20_000);
    m.contactChanged(false, 25_000);
    m.tick(40_000);
    m.relay(false);
    m.contactChanged(true, 60_000);
    m.tick(100_000); // forced, then open for long: forced is the alarm, not held open
    expect(seen()).toEqual(['+forced_open@60000']);
  });

  it('follows the tamper switch and the relay faults', () => {
    const { m, seen } = monitor();
    m.tamper(true, 1);
    m.tamper(true, 2);
    m.jammed(true, 3, 'busy');
    expect(m.alarms).toEqual(['tamper', 'jammed']);
    m.tamper(false, 4);
    m.jammed(false, 5, 'driven again');
    expect(seen()).toEqual(['+tamper@1', '+jammed@3', '-tamper@4', '-jammed@5']);
  });
});
