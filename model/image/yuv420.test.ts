import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { datasetForTests } from '../../test/datasets.js';
import { decodeImageFile } from './decodeImage.js';
import { lumaThumbnail, rgbToYuv420, yuv420Bytes, yuv420ToRgb } from './yuv420.js';

const nuaa = datasetForTests('nuaa', 'YUV420 conversion on a real NUAA camera frame');

const meanAbs = (a: Uint8Array, b: Uint8Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) - (b[i] as number));
  return s / a.length;
};

describe('YUV420 frames', () => {
  it('sizes a frame as Y plus two quarter-size chroma planes, and refuses a frame of the wrong size', () => {
    expect(yuv420Bytes({ width: 640, height: 480 })).toBe(460_800);
    expect(() => yuv420ToRgb(new Uint8Array(1000), { format: 'yuv420', width: 64, height: 64 })).toThrow(
      /a 64x64 YUV420 frame has 6144 bytes, not 1000/,
    );
  });

  it('maps limited-range black, white and grey to RGB, and pure colours to their hue', () => {
    const l = { format: 'yuv420', width: 2, height: 2 } as const;
    const one = (y: number, u: number, v: number) => Array.from(yuv420ToRgb(Uint8Array.of(y, y, y, y, u, v), l).data.subarray(0, 3));
    expect(one(16, 128, 128)).toEqual([0, 0, 0]);
    expect(one(235, 128, 128)).toEqual([255, 255, 255]);
    expect(one(126, 128, 128)).toEqual([128, 128, 128]);
    const [r, g, b] = one(82, 90, 240); // BT.601 red
    expect(r).toBeGreaterThan(240);
    expect(Math.max(g as number, b as number)).toBeLessThan(15);
  });
});

describe.runIf(nuaa)('YUV420 on a real camera frame', () => {
  it('round-trips a NUAA frame through I420 within chroma subsampling error, and thumbnails the Y plane like a grey JPEG shrink', async () => {
    const dir = join(nuaa as string, 'ClientRaw', '0001');
    const file = join(dir, readdirSync(dir).sort()[0] as string);
    const rgb = await decodeImageFile(file);
    const even = { width: rgb.width & ~1, height: rgb.height & ~1 };
    const cropped = await sharp(rgb.data, { raw: { ...rgb, channels: 3 } })
      .extract({ left: 0, top: 0, ...even })
      .raw()
      .toBuffer();
    const image = { ...even, data: new Uint8Array(cropped) };
    const yuv = rgbToYuv420(image);
    expect(yuv.length).toBe(yuv420Bytes(even));
    const back = yuv420ToRgb(yuv, { format: 'yuv420', ...even });
    expect(meanAbs(back.data, image.data)).toBeLessThan(3);

    const thumb = lumaThumbnail(yuv, { format: 'yuv420', ...even }, 64);
    const ref = await sharp(image.data, { raw: { ...even, channels: 3 } })
      .resize({ width: 64 })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([thumb.width, thumb.height]).toEqual([ref.info.width, ref.info.height]);
    // the Y plane is limited range (16-235): the motion gate compares frames with each other, so only the scale differs
    const expanded = thumb.data.map((v) => Math.round(((v - 16) * 255) / 219));
    expect(meanAbs(expanded, new Uint8Array(ref.data))).toBeLessThan(4);
  });
});
