import { describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../common/logger.js';
import { LockController } from '../lock/lockController.js';
import { SimLock } from '../lock/simLock.js';
import type { InputEvent, Inputs } from '../ports.js';
import type { AttemptRecord } from '../store/auditLog.js';
import { handleInputs } from './inputHandler.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An in-memory input source: emits the given events at the given delays, then ends (or fails). */
function scripted(steps: readonly [number, InputEvent['kind'] | 'fail'][]): Inputs {
  return {
    name: 'scripted',
    async *events() {
      for (const [delay, kind] of steps) {
        await wait(delay);
        if (kind === 'fail') throw new Error('gpiomon exited');
        yield { kind, at: Date.now() };
      }
    },
  };
}

describe('door inputs', () => {
  it('relocks as soon as the door contact closes, before the pulse would end', async () => {
    const sim = new SimLock(silentLogger);
    const lock = new LockController(sim, { unlockMs: 2000, maxUnlockMs: 5000 }, silentLogger);
    await lock.open();
    await handleInputs(
      scripted([
        [100, 'door_opened'],
        [100, 'door_closed'],
      ]),
      lock,
      () => {},
      silentLogger,
      new AbortController().signal,
    );
    expect(lock.isUnlocked).toBe(false);
    const [opened, closed] = sim.transitions;
    expect((closed?.at ?? 0) - (opened?.at ?? 0)).toBeLessThan(1000);
  });

  it('opens for the exit button (audited) and locks on tamper (audited)', async () => {
    const sim = new SimLock(silentLogger);
    const lock = new LockController(sim, { unlockMs: 2000, maxUnlockMs: 5000 }, silentLogger);
    const audit: AttemptRecord[] = [];
    await handleInputs(
      scripted([
        [10, 'exit_button'],
        [50, 'tamper'],
      ]),
      lock,
      (a) => audit.push(a),
      silentLogger,
      new AbortController().signal,
    );
    expect(sim.transitions.map((t) => t.state)).toEqual(['unlocked', 'locked']);
    expect(audit.map((a) => [a.outcome, a.reason])).toEqual([
      ['unlock', 'exit_button'],
      ['reject', 'tamper'],
    ]);
  });

  it('keeps the door locked and says so when the input source fails', async () => {
    const sim = new SimLock(silentLogger);
    const lock = new LockController(sim, { unlockMs: 2000, maxUnlockMs: 5000 }, silentLogger);
    await lock.open();
    const lines: string[] = [];
    await handleInputs(
      scripted([[10, 'fail']]),
      lock,
      () => {},
      createLogger({ level: 'info', write: (l) => lines.push(l) }),
      new AbortController().signal,
    );
    expect(lock.isUnlocked).toBe(false);
    expect(lines.some((l) => l.includes('door inputs failed: the door stays locked'))).toBe(true);
  });
});

describe('door inputs on a full disk', () => {
  it('still lets people out with the exit button when the audit log cannot be written (a full disk)', async () => {
    const sim = new SimLock(silentLogger);
    const lock = new LockController(sim, { unlockMs: 30, maxUnlockMs: 5000 }, silentLogger);
    const lines: string[] = [];
    await handleInputs(
      scripted([
        [10, 'exit_button'],
        [100, 'exit_button'],
        [100, 'door_opened'],
      ]),
      lock,
      () => {
        throw new Error('database /var/lib/facelock/facelock.db: database or disk is full: the disk is full; free space and retry');
      },
      createLogger({ level: 'info', write: (l) => lines.push(l) }),
      new AbortController().signal,
    );
    // both presses opened the door; the inputs were watched to the end
    expect(sim.transitions.filter((t) => t.state === 'unlocked')).toHaveLength(2);
    expect(lines.filter((l) => l.includes('cannot write a door event to the audit log; the inputs are still watched'))).toHaveLength(2);
    expect(lines.some((l) => l.includes('door inputs failed'))).toBe(false);
    expect(lines.some((l) => l.includes('door opened'))).toBe(true);
  });
});
