import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../../common/errors.js';
import { writeBadImages } from '../../test/badImages.js';
import { datasetForTests } from '../../test/datasets.js';
import { decodeImageFile } from './decodeImage.js';

const lfw = datasetForTests('lfw', 'bad-input tests built from a real JPEG');
const orl = datasetForTests('orl', 'PGM decoding');
const yale = datasetForTests('yale', 'GIF decoding');

describe.runIf(lfw)('decodeImageFile on bad input', () => {
  it('gives a clear error naming the file for every kind of bad input, within seconds', async () => {
    const bad = await writeBadImages(join(lfw as string, 'images', 'Abel_Pacheco', 'Abel_Pacheco_0001.jpg'));
    for (const b of bad) {
      const err = await decodeImageFile(b.path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, b.name).toBeInstanceOf(ImageError);
      expect((err as ImageError).message, b.name).toContain(b.path);
      expect((err as ImageError).message, b.name).toMatch(b.says);
      expect((err as ImageError).code, b.name).toBe(b.code);
    }
  });

  it('decodes a real JPEG to RGB at its own size', async () => {
    const img = await decodeImageFile(join(lfw as string, 'images', 'Abel_Pacheco', 'Abel_Pacheco_0001.jpg'));
    expect([img.width, img.height, img.data.length]).toEqual([250, 250, 250 * 250 * 3]);
  });
});

describe.runIf(orl && yale)('other formats of the datasets', () => {
  it('decodes ORL PGM and Yale GIF (grey) to 3-channel RGB', async () => {
    const pgm = await decodeImageFile(join(orl as string, 's1', '1.pgm'));
    expect([pgm.width, pgm.height, pgm.data.length]).toEqual([92, 112, 92 * 112 * 3]);
    const gif = await decodeImageFile(join(yale as string, 'subject01.glasses'));
    expect([gif.width, gif.height]).toEqual([320, 243]);
    // grey: the three channels agree
    expect(gif.data[3000]).toBe(gif.data[3001]);
  });
});
