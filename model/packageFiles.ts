import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ModelError } from '../common/errors.js';
import { projectRoot } from '../common/projectRoot.js';
import modelPackages from './modelPackages.json' with { type: 'json' };

const require = createRequire(import.meta.url);

/**
 * The installed folder of an npm package, found through Node's own module search paths. Human's `exports` map
 * hides its files from `require.resolve`, so the folder is located directly.
 */
export function packageDir(name: string, expectedVersion?: string): string {
  if (name === 'facelock') return projectRoot(); // its own trained models ship in the repository
  if (name in modelPackages) return modelPackageDir(name as keyof typeof modelPackages);
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

/**
 * Where the model files of a model-only package (model/modelPackages.json) were placed by `npm ci`
 * (scripts/fetch-model-packages.mjs, from the package's tarball, every file checked).
 */
export function modelPackageDir(name: keyof typeof modelPackages): string {
  const { version } = modelPackages[name];
  const dir = join(projectRoot(), '.model-packages', `${name}@${version}`);
  if (!existsSync(dir))
    throw new ModelError(
      'model_missing',
      `the model files of ${name}@${version} are not in ${dir}: run \`npm ci\` (it fetches them from the npm registry)`,
    );
  return dir;
}
