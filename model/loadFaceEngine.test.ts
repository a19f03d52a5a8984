import { describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.js';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig, loadFaceEngine } from './loadFaceEngine.js';

async function loadedWith(config: Partial<EngineConfig>): Promise<string[]> {
  const lines: string[] = [];
  await loadFaceEngine({ ...DEFAULT_ENGINE_CONFIG, ...config }, createLogger({ level: 'info', write: (l) => lines.push(l) }));
  return lines;
}

const runtimes = (lines: readonly string[]) => lines.find((l) => l.includes('face engine loaded'))?.match(/runtimes="([^"]+)"/)?.[1] ?? '';

describe('where each network of the engine runs', () => {
  it('runs every network of the default engine on ONNX Runtime, the tfjs-made ones converted, and logs it', async () => {
    const lines = await loadedWith({});
    for (const net of ['blazeface', 'facemesh', 'antispoof', 'liveness', 'faceplugin', 'passiveLiveness'])
      expect(runtimes(lines)).toMatch(new RegExp(`${net}=onnxruntime:(all|extended)`));
    expect(lines.some((l) => l.includes('falls back'))).toBe(false);
    // nothing runs on tfjs, so its WASM backend (and heap) is not started
    expect(lines.some((l) => l.includes('tfjs backend selected'))).toBe(false);
    expect(lines.find((l) => l.includes('face engine loaded'))).toMatch(/backend=none/);
  });

  it('keeps the tfjs-made networks on tfjs when asked (runtime tfjs)', async () => {
    const r = runtimes(await loadedWith({ runtime: 'tfjs' }));
    for (const net of ['blazeface', 'facemesh', 'passiveLiveness']) expect(r).toMatch(new RegExp(`${net}=tfjs `));
    expect(r).toContain('faceplugin=onnxruntime');
  });

  it('runs a graph the conversion does not cover on tfjs, saying which network and why', async () => {
    // Human's faceres ends in a global mean, an op the converter refuses rather than guesses
    const lines = await loadedWith({ embedder: 'faceres' });
    const warning = lines.find((l) => l.includes('network falls back to tfjs'));
    expect(warning).toMatch(/network=faceres/);
    expect(warning).toMatch(/Mean/);
    expect(runtimes(lines)).toMatch(/faceres=tfjs (wasm|cpu|tensorflow)/);
    expect(runtimes(lines)).toContain('blazeface=onnxruntime');
    expect(lines.some((l) => l.includes('tfjs backend selected'))).toBe(true);
  });
});
