import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../common/errors.js';

const require = createRequire(import.meta.url);

/**
 * The installed folder of an npm package, found through Node's own module search paths. Human's `exports` map
 * hides its files from `require.resolve`, so the folder is located directly.
 */
export function packageDir(name: string, expectedVersion?: string): string {
  if (name === 'facelock') return projectRoot(); // its own trained models ship in the repository
  const roots = require.resolve.paths(name) ?? [];
  for (const root of roots) {
    const dir = join(root, name);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    if (expectedVersion !== undefined) {
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string };
      if (version !== expectedVersion) {
        throw new ModelError(
          'model_missing',
          `${name} is version ${version ?? 'unknown'} in ${dir}, but the model manifest was made for ${expectedVersion}: run \`npm ci\` to install the pinned version`,
        );
      }
    }
    return dir;
  }
  throw new ModelError('model_missing', `npm package ${name} is not installed: run \`npm ci\` in ${projectRoot()}`);
}

/** The folder holding facelock's own package.json (the same from the sources and from dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'facelock') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('facelock: cannot find its own package.json above its code');
    dir = parent;
  }
}
