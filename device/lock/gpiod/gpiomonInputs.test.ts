import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeGpioEnv } from '../../../test/fakeGpio.js';
import type { InputEvent } from '../../ports.js';
import { GpiomonInputs } from './gpiomonInputs.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function script(version: 1 | 2, lines: string, extra: Record<string, string> = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'facelock-gpiomon-')), 'events.txt');
  writeFileSync(file, lines);
  process.env = fakeGpioEnv(version, { FAKE_GPIO_EVENTS: file, ...extra }, saved);
}

async function collect(inputs: GpiomonInputs, ms: number): Promise<{ kinds: InputEvent['kind'][]; error?: Error }> {
  const kinds: InputEvent['kind'][] = [];
  try {
    for await (const e of inputs.events(AbortSignal.timeout(ms))) kinds.push(e.kind);
    return { kinds };
  } catch (error) {
    return { kinds, error: error as Error };
  }
}

const options = { doorContact: 'GPIO22', exitButton: 'GPIO23', tamper: 'GPIO24', activeLow: true, debounceMs: 50 };

for (const version of [1, 2] as const) {
  describe(`door inputs through gpiomon v${version} (fake on PATH)`, () => {
    it('reports a bouncing door contact once per settled change, the exit button and the tamper switch opening and closing', async () => {
      script(
        version,
        [
          '100 22 rising',
          '5 22 falling',
          '5 22 rising',
          '300 22 falling',
          '200 23 rising',
          '5 23 falling',
          '5 23 rising',
          '100 23 falling',
          '200 24 rising',
          '300 24 falling',
        ].join('\n'),
      );
      const { kinds, error } = await collect(new GpiomonInputs(options), 2200);
      expect(error).toBeUndefined();
      expect(kinds).toEqual(['door_closed', 'door_opened', 'exit_button', 'tamper', 'tamper_cleared']);
    });

    it('ends with an error saying so when gpiomon exits', async () => {
      // it dies well after the contact settled (a busy machine must not turn this into a race)
      script(version, '50 22 rising', { FAKE_GPIOMON_EXIT: '1', FAKE_GPIOMON_EXIT_AFTER: '600' });
      const { kinds, error } = await collect(new GpiomonInputs(options), 3000);
      expect(kinds).toEqual(['door_closed']);
      expect(error?.message).toMatch(/gpiomon exited \(code 1\): gpiomon: error waiting for events/);
    });
  });
}
