import { describe, expect, it } from 'vitest';
import { isPgm, parsePgm } from './pgm.js';

describe('parsePgm', () => {
  it('reads binary P5 with a comment in the header', () => {
    const header = Buffer.from('P5\n# made by hand\n3 2\n255\n', 'ascii');
    const img = parsePgm(Buffer.concat([header, Buffer.from([0, 10, 20, 30, 40, 255])]));
    expect(img).toMatchObject({ width: 3, height: 2 });
    expect(Array.from(img.data)).toEqual([0, 10, 20, 30, 40, 255]);
  });

  it('reads plain P2 and rescales maxval 15 to 0-255', () => {
    const img = parsePgm(Buffer.from('P2 2 1 15\n0 15\n', 'ascii'));
    expect(Array.from(img.data)).toEqual([0, 255]);
  });

  it('reads 16-bit samples big-endian', () => {
    const header = Buffer.from('P5 1 1 65535\n', 'ascii');
    expect(Array.from(parsePgm(Buffer.concat([header, Buffer.from([0xff, 0xff])])).data)).toEqual([255]);
  });

  it('says what is wrong with a truncated or broken file', () => {
    expect(() => parsePgm(Buffer.from('P5 4 4 255\n\x01\x02', 'binary'))).toThrow(/truncated \(2 of 16 bytes\)/);
    expect(() => parsePgm(Buffer.from('P5 x 4 255\n', 'ascii'))).toThrow(/width and height/);
    expect(() => parsePgm(Buffer.from('P2 2 1 255\n7\n', 'ascii'))).toThrow(/truncated \(1 of 2 values\)/);
  });

  it('recognises the PGM signature only', () => {
    expect(isPgm(Buffer.from('P5 1 1 255\n\0'))).toBe(true);
    expect(isPgm(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
  });
});
