import { describe, expect, it } from 'vitest';
import type { StoredTemplate } from '../device/store/templateRecords.js';
import { MIN_PASSPHRASE, openBackup, sealBackup } from './backup.js';

const conditions = { poseBin: 'frontal', yaw: 0, pitch: 0, roll: 0, luminance: 120, contrast: 40, sharpness: 300, faceSize: 110 };
const template: StoredTemplate = {
  id: 't1',
  userId: 1,
  userUid: 'u-1',
  userName: 'alice',
  embedder: 'faceplugin',
  embedding: Float32Array.from([0.1, 0.2, 0.3]),
  source: 'images',
  createdAt: '2026-12-02T00:00:00Z',
  conditions,
};
const passphrase = 'correct horse battery staple';

describe('encrypted backups', () => {
  it('writes scrypt N=2^17 and opens with the passphrase, the embedding bit for bit', () => {
    const file = sealBackup([template], passphrase);
    expect(file.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    const [alice] = openBackup(JSON.stringify(file), passphrase, 'b.json');
    expect(Array.from(alice?.templates[0]?.embedding ?? [])).toEqual(Array.from(template.embedding));
  });

  it('never runs scrypt with the parameters a file asks for: N=2^20 or p=5000 is refused at once, not after a gigabyte', () => {
    const file = sealBackup([template], passphrase);
    for (const kdf of [
      { ...file.kdf, N: 2 ** 20 },
      { ...file.kdf, N: 2 ** 16, p: 5000 },
      { ...file.kdf, N: 2 ** 15 },
    ]) {
      // refused by name before any key derivation (a derivation would end in "wrong passphrase")
      expect(() => openBackup(JSON.stringify({ ...file, kdf }), passphrase, 'b.json')).toThrow(
        /asks for scrypt N=\d+, r=8, p=\d+; this facelock reads only the parameters it writes \(N=131072, r=8, p=1\)/,
      );
    }
  });

  it(`refuses a passphrase under ${MIN_PASSPHRASE} characters`, () => {
    expect(MIN_PASSPHRASE).toBe(12);
    expect(() => sealBackup([template], 'elevenchars')).toThrow(/at least 12 characters/);
  });
});
