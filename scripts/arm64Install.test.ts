import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../common/projectRoot.js';
import { packageDir } from '../model/packageFiles.js';

/** The ELF machine of a shared object: 0x3e x86-64, 0xb7 AArch64 (a Pi 4 or 5 on a 64-bit OS). */
function elfMachine(file: string): number {
  const b = readFileSync(file);
  expect(b.subarray(0, 4).toString('latin1'), `${file} is an ELF file`).toBe('\x7fELF');
  return b.readUInt16LE(18);
}

describe('the arm64 install path, as far as an x86 machine can check it', () => {
  it('ships ONNX Runtime for linux-arm64 inside the npm package: the binding and the library, built for AArch64', () => {
    const arm64 = join(packageDir('onnxruntime-node'), 'bin', 'napi-v6', 'linux', 'arm64');
    const files = readdirSync(arm64);
    expect(files).toEqual(expect.arrayContaining(['onnxruntime_binding.node', 'libonnxruntime.so.1']));
    for (const f of ['onnxruntime_binding.node', 'libonnxruntime.so.1']) expect(elfMachine(join(arm64, f))).toBe(0xb7);
    expect(elfMachine(join(arm64, '..', 'x64', 'onnxruntime_binding.node'))).toBe(0x3e);
  });

  it('installs without the CUDA download: the project .npmrc skips it, which only linux-x64 would ask for', () => {
    expect(readFileSync(join(projectRoot(), '.npmrc'), 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
    const metadata = readFileSync(join(packageDir('onnxruntime-node'), 'script', 'install-metadata.js'), 'utf8');
    expect(metadata).toMatch(/'linux\/arm64': \[\]/);
    const pinned = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
      .dependencies['onnxruntime-node'];
    // 1.21 crashed with "Illegal instruction" on a Pi 4 (Cortex-A72); the pin is exact and later
    const [major, minor] = (pinned ?? '0.0').split('.').map(Number);
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect((major ?? 0) > 1 || (minor ?? 0) >= 22).toBe(true);
  });
});
