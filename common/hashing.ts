import { createHash } from 'node:crypto';

/** The hex sha256 of bytes or of a string's UTF-8: model files, images, split manifests, data lists. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
