import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG whose header claims width x height but holds no pixel data: a decompression-bomb probe. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  // an empty zlib stream as the only image data, then the end chunk
  const idat = Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

export interface BadImage {
  readonly name: string;
  readonly path: string;
  /** What the error message must say besides the file name. */
  readonly says: RegExp;
  readonly code: string;
}

/** Writes one file of each kind of bad input into a fresh temporary folder. */
export async function writeBadImages(realJpeg: string): Promise<BadImage[]> {
  const dir = mkdtempSync(join(tmpdir(), 'facelock-bad-'));
  const jpeg = readFileSync(realJpeg);
  const files: [string, Uint8Array, RegExp, string][] = [
    ['truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)), /damaged or truncated/, 'image_unreadable'],
    [
      'corrupt-header.jpg',
      Buffer.concat([jpeg.subarray(0, 4), Buffer.alloc(56, 0x41), jpeg.subarray(60)]),
      /not a readable image/,
      'image_unreadable',
    ],
    ['empty.jpg', new Uint8Array(0), /empty/, 'image_unreadable'],
    [
      'one-pixel.png',
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
        .png()
        .toBuffer(),
      /1x1 pixels, too small/,
      'image_too_small',
    ],
    ['huge-header.png', pngHeaderOnly(20000, 20000), /20000x20000 pixels, more than/, 'image_too_large'],
    ['notes.jpg', Buffer.from('this is a text file, not a photo\n'), /not a readable image/, 'image_unreadable'],
  ];
  const out: BadImage[] = files.map(([name, bytes, says, code]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return { name, path, says, code };
  });
  out.push({ name: 'missing.jpg', path: join(dir, 'missing.jpg'), says: /no such file/, code: 'file_missing' });
  return out;
}
