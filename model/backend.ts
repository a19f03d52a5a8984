import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describeError, ModelError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { packageDir } from './packageFiles.js';

// tfjs's own notices (the "install our node backend" banner on the first tensor of the CPU backend, which only
// decodes weights here while every network runs on ONNX Runtime) are not for a door's owner: the engine's log says
// where each network runs. PROD silences tfjs's log and warn calls only (tfjs-core log.ts), no check.
tf.env().set('PROD', true);

/** The tfjs backends, fastest first: `auto` tries them in this order. */
const order = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof order)[number];
/** What the config and `--backend` accept. */
export const BACKEND_CHOICES = ['auto', ...order] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

async function prepare(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // optional native accelerator: absent on most machines (it cannot install offline)
    const moduleName = '@tensorflow/tfjs-node';
    await import(moduleName);
    return;
  }
  if (name === 'wasm') {
    // imported (and so registered) only when chosen: some 20 MB a door that runs every network on ONNX Runtime skips
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(`${packageDir('@tensorflow/tfjs-backend-wasm')}/dist/`);
  }
}

const processEvents = ['uncaughtException', 'unhandledRejection'] as const;

async function activate(name: BackendName): Promise<void> {
  // the Emscripten glue of the WASM backend adds process handlers that rethrow every error with the whole
  // minified module as its "source line"; facelock handles faults itself, so they are removed again
  const listeners = (event: (typeof processEvents)[number]) => process.listeners(event as 'uncaughtException') as unknown[];
  const before = processEvents.map((event) => new Set(listeners(event)));
  try {
    await prepare(name);
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
    await tf.ready();
  } finally {
    processEvents.forEach((event, i) => {
      for (const listener of listeners(event)) {
        if (!before[i]?.has(listener)) process.removeListener(event, listener as () => void);
      }
    });
  }
}

/**
 * Selects the tfjs backend: the requested one, or with `auto` the first of tfjs-node, WASM (SIMD) and the pure-JS
 * CPU backend that starts. The choice is logged. A forced backend that cannot start is an error, not a fallback.
 */
export async function selectBackend(choice: BackendChoice, log: Logger): Promise<BackendName> {
  if (choice !== 'auto') {
    try {
      await activate(choice);
    } catch (err) {
      throw new ModelError('backend_unavailable', `tfjs backend '${choice}' cannot start (${describeError(err)}): use backend 'auto'`, {
        cause: err,
      });
    }
    log.info('tfjs backend selected', { backend: choice, requested: choice });
    return choice;
  }
  for (const name of order) {
    try {
      await activate(name);
      log.info('tfjs backend selected', { backend: name, requested: 'auto' });
      return name;
    } catch (err) {
      log.debug(() => `tfjs backend ${name} unavailable: ${describeError(err)}`);
    }
  }
  throw new ModelError('backend_unavailable', 'no tfjs backend could start (tried tensorflow, wasm, cpu)');
}

/**
 * Puts tfjs on its pure-JS CPU backend when nothing has chosen one yet: enough to decode weight files (for their
 * conversion to ONNX) without starting the WASM backend and its heap, which only a network run on tfjs needs.
 */
export async function ensureDecodingBackend(): Promise<void> {
  if (tf.engine().backendName) return;
  await tf.setBackend('cpu');
  await tf.ready();
}

export { tf };
