import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** A folder of symbolic links to chosen images of one lfw-dev identity (the data itself is never copied). */
export function lfwFolder(lfw: string, dest: string, identity: string, indices: readonly number[]): string {
  mkdirSync(dest, { recursive: true });
  for (const i of indices) {
    const name = `${identity}_${String(i).padStart(4, '0')}.jpg`;
    symlinkSync(join(lfw, 'images', identity, name), join(dest, name));
  }
  return dest;
}

export function lfwCount(lfw: string, identity: string): number {
  return readdirSync(join(lfw, 'images', identity)).length;
}
