import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
