import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../common/errors.js';
import { BACKEND_CHOICES } from '../../model/backend.js';
import { EMBEDDERS } from '../../model/loadFaceEngine.js';
import { loadConfigFile, parseConfig } from './loadConfig.js';

const write = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'facelock-config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
};

describe('config', () => {
  it('fills documented defaults and freezes the result', () => {
    const c = parseConfig({}, 'test');
    expect(c.camera).toEqual({ kind: 'rpicam', format: 'yuv420', width: 640, height: 480, framerate: 15, infrared: false });
    expect(c.liveness.model).toBe('auto');
    expect(c.decision).toMatchObject({ k: 3, n: 5, windowMs: 3000 });
    expect(c.lock).toMatchObject({
      driver: 'auto',
      line: 'GPIO17',
      activeLow: false,
      unlockMs: 3000,
      maxUnlockMs: 10_000,
      maxFailures: 5,
      lockoutMs: 30_000,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('writes each default once: a section given empty, or with one key, gets the same defaults as a missing one', () => {
    const missing = parseConfig({}, 'test');
    const sections = ['motion', 'engine', 'decision', 'liveness', 'lock', 'inputs', 'status', 'retention', 'drift'] as const;
    const empty = parseConfig(Object.fromEntries(sections.map((k) => [k, {}])), 'test');
    expect(empty).toEqual(missing);
    expect(parseConfig({ camera: { kind: 'rpicam' } }, 'test').camera).toEqual(missing.camera);
    // one key given: the others still come from the field defaults
    expect(parseConfig({ lock: { unlockMs: 2000 } }, 'test').lock).toEqual({ ...missing.lock, unlockMs: 2000 });
    expect(parseConfig({ engine: { embedder: 'faceres' } }, 'test').engine).toEqual({ ...missing.engine, embedder: 'faceres' });
  });

  it('takes the embedder and backend names from the engine, and refuses others naming the choices', () => {
    expect(EMBEDDERS).toContain(parseConfig({}, 'test').engine.embedder);
    for (const backend of BACKEND_CHOICES) expect(parseConfig({ engine: { backend } }, 'test').engine.backend).toBe(backend);
    expect(() => parseConfig({ engine: { embedder: 'arcface9000' } }, 'test')).toThrow(/engine\.embedder.*dlibResnet.*faceres/s);
  });

  it('reads YAML with a camera chosen by kind', () => {
    const c = loadConfigFile(write('camera:\n  kind: replay\n  source: /data/frames\ndecision:\n  k: 2\n  n: 4\n'), { required: true });
    expect(c.camera).toEqual({ kind: 'replay', source: '/data/frames', framerate: 15, loop: false });
    expect(c.decision.k).toBe(2);
  });

  it('reports every problem with its path: unknown keys, out-of-range numbers, k > n, a bad kind', () => {
    const file = write('lockk: {}\nlock:\n  unlockMs: 50000\n  maxFailures: 9\ndecision:\n  k: 6\n  n: 4\ncamera:\n  kind: webcam\n');
    let err: unknown;
    try {
      loadConfigFile(file, { required: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toMatch(/\(top level\): Unrecognized key: "lockk"/);
    expect(msg).toMatch(/lock\.unlockMs: Too big/);
    expect(msg).toMatch(/lock\.maxFailures: Too big/);
    expect(msg).toMatch(/camera\.kind: /);
    expect((err as ConfigError).exitCode).toBe(3);
    expect(() => parseConfig({ decision: { k: 6, n: 4 } }, 't')).toThrow(/decision\.k: k must not exceed n/);
    // a line name starting with '-' would reach gpioset as an option
    expect(() => parseConfig({ lock: { line: '--help' } }, 't')).toThrow(/lock\.line: a GPIO line name .*not starting with '-'/);
    expect(parseConfig({ lock: { line: 'RELAY-1' } }, 't').lock.line).toBe('RELAY-1');
  });

  it('says so when the YAML itself is broken or the file is missing', () => {
    expect(() => loadConfigFile(write('camera: [unclosed'), { required: true })).toThrow(/is not valid YAML/);
    expect(() => loadConfigFile('/nonexistent/facelock.yaml', { required: true })).toThrow(/cannot be read/);
    expect(loadConfigFile('/nonexistent/facelock.yaml', { required: false }).lock.unlockMs).toBe(3000);
  });

  it('refuses what a YAML parser only warns about (an unknown tag, a list as a key), and a broken alias', () => {
    // each of these parsed before with a warning on stderr and meant something other than it says (found by npm run soak)
    for (const [text, message] of [
      ['engine: { detector: blazeface, !embedder: faceplugin }\n', /Unresolved tag: !embedder/],
      ['lock: { unlockMs: 3000, *maxUnlockMs: 10000 }\n', /is not valid YAML: Missing , or : between flow map items/],
      ['schedules:\n  laura: [{ [mon, tue]: 1 }]\n', /a key is a list or a map/],
    ] as const)
      expect(() => loadConfigFile(write(text), { required: true })).toThrow(message);
    expect(loadConfigFile(write('lock: { unlockMs: 2000 }\n'), { required: true }).lock.unlockMs).toBe(2000);
  });
});

/** The message a call throws, or '' when it does not. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('config errors that teach', () => {
  it('teaches on unknown keys (the nearest valid one, all valid ones for that camera kind) and shows a YAML error in place', () => {
    const err = messageOf(() =>
      parseConfig({ camera: { kind: 'replay', source: '/x', width: 640, framrate: 5 }, motoin: {} }, 'door.yaml'),
    );
    expect(err).toContain(
      'camera: Unrecognized keys: "width", "framrate" (framrate -> did you mean framerate?); valid keys here: framerate, kind, loop, source',
    );
    expect(err).toMatch(
      /\(top level\): Unrecognized key: "motoin" \(motoin -> did you mean motion\?\); valid keys here: camera, .*stateDir, status/,
    );
    const yaml = messageOf(() =>
      loadConfigFile(write('camera:\n  kind: replay\n  source: [a\nlock: { driver: sim }\n'), { required: true }),
    );
    // the message ends with the offending line and a caret under the place
    expect(yaml).toMatch(/at line 4, column 1:\n\n[^\n]*source: \[a\nlock: \{ driver: sim \}\n\^$/);
  });
});
