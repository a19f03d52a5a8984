import { join } from 'node:path';
import { seededRandom } from '../../common/seededRandom.js';
import { createDoor, fakeEnv, jsonLines, type PhaseResult, sleep, startDaemon, timesOf } from './soakWorld.js';

interface LineEvent {
  at: number;
  pid: number;
  event: 'set' | 'release';
  value?: number;
}

const SIGNALS: NodeJS.Signals[] = ['SIGKILL', 'SIGTERM', 'SIGABRT'];

/**
 * The daemon killed while the relay is energised: Laura's photos open the door (a 20 s pulse, through a spawned fake
 * gpioset), then the daemon gets SIGKILL, SIGTERM or SIGABRT at a random moment of the pulse. Measured: the time from
 * the signal to the relay line going inactive (set to 0, or its holder released, which strict_gpiod de-energises).
 */
export async function killDaemonDuringUnlock(o: { cycles: number; seed: number; limitMs: number }): Promise<PhaseResult> {
  const random = seededRandom(o.seed);
  const door = await createDoor('unlock');
  const broken: string[] = [];
  const bySignal: Record<string, number[]> = {};
  try {
    const config = door.config(
      'unlock',
      `camera: { kind: replay, source: ${door.lauraDoor}, framerate: 5, loop: true }\nlock: { driver: gpiod, line: GPIO17, unlockMs: 20000, maxUnlockMs: 30000 }\nstatus: { port: 0 }\n`,
    );
    for (let i = 0; i < o.cycles; i++) {
      const signal = SIGNALS[i % SIGNALS.length] as NodeJS.Signals;
      const state = join(door.dir, `gpio-${i}.jsonl`);
      const daemon = startDaemon(config, fakeEnv({ FAKE_GPIO_STATE: state }));
      try {
        await daemon.waitFor(/door unlocked: the relay is driven/, 90_000);
      } catch (err) {
        broken.push(`cycle ${i}: no unlock to interrupt: ${(err as Error).message.slice(0, 400)}`);
        daemon.child.kill('SIGKILL');
        continue;
      }
      await sleep(300 * random());
      const holder = jsonLines<LineEvent>(state).findLast((e) => e.event === 'set' && e.value === 1);
      const at = Date.now();
      daemon.child.kill(signal);
      await daemon.exited;
      let inactive: LineEvent | undefined;
      for (let t = 0; t < o.limitMs / 50 + 40 && !inactive; t++) {
        inactive = jsonLines<LineEvent>(state).find(
          (e) => e.at >= at && ((e.event === 'set' && e.value === 0) || (e.event === 'release' && e.pid === holder?.pid)),
        );
        if (!inactive) await sleep(50);
      }
      if (!holder) broken.push(`cycle ${i}: the relay was never driven active`);
      else if (!inactive) broken.push(`cycle ${i} (${signal}): the relay line was still active long after the signal`);
      else {
        const ms = inactive.at - at;
        bySignal[signal] = [...(bySignal[signal] ?? []), ms];
        if (ms > o.limitMs) broken.push(`cycle ${i} (${signal}): the relay went inactive after ${ms} ms (at most ${o.limitMs})`);
      }
    }
    return {
      phase: 'daemon killed during unlocks',
      counts: Object.fromEntries(Object.entries(bySignal).map(([s, v]) => [s, v.length])),
      times: Object.fromEntries(Object.entries(bySignal).map(([s, v]) => [`${s}ToInactiveMs`, timesOf(v)])),
      broken,
    };
  } finally {
    door.cleanup();
  }
}
