import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelError } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { selectBackend } from './backend.js';

const hasTfjsNode = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('tfjs backend selection', () => {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  afterAll(async () => {
    await selectBackend('auto', log);
  });

  it('auto picks tfjs-node when installed, else WASM, and logs the choice', async () => {
    const chosen = await selectBackend('auto', log);
    expect(chosen).toBe(hasTfjsNode ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(chosen);
    expect(lines.some((l) => l.includes(`backend=${chosen}`) && l.includes('requested=auto'))).toBe(true);
  });

  it('can be forced to the pure-JS CPU backend', async () => {
    expect(await selectBackend('cpu', log)).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it.runIf(!hasTfjsNode)('refuses a forced backend that cannot start, saying what to use instead', async () => {
    const err = await selectBackend('tensorflow', log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(/backend 'tensorflow' cannot start.*use backend 'auto'/);
  });

  it('leaves no process-wide rethrowing handlers behind (the WASM glue installs some)', async () => {
    await selectBackend('wasm', log);
    expect(process.listeners('uncaughtException').filter((l) => String(l).includes('ExitStatus'))).toHaveLength(0);
  });
});
