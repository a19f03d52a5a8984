import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetForTests } from '../../test/datasets.js';
import { MjpegSplitter } from './mjpegSplitter.js';

const nuaa = datasetForTests('nuaa', 'MJPEG splitting of real camera frames');

function frames(n: number): Buffer[] {
  const dir = join(nuaa as string, 'ClientRaw', '0001');
  return readdirSync(dir)
    .sort()
    .slice(0, n)
    .map((f) => readFileSync(join(dir, f)));
}

/** Pushes `stream` in pseudo-random chunk sizes up to `maxChunk` bytes. */
function feed(s: MjpegSplitter, stream: Buffer, maxChunk = 7000): Buffer[] {
  const out: Buffer[] = [];
  let seed = 7;
  for (let i = 0; i < stream.length; ) {
    seed = (seed * 16807) % 2147483647;
    const n = 1 + (seed % maxChunk);
    out.push(...s.push(stream.subarray(i, i + n)));
    i += n;
  }
  return out;
}

describe.runIf(nuaa)('MjpegSplitter on real camera frames', () => {
  it('returns every frame intact whatever the read sizes, single bytes included', () => {
    const f = frames(6);
    const s = new MjpegSplitter();
    const got = feed(s, Buffer.concat(f));
    expect(got).toHaveLength(6);
    expect(got.every((g, i) => g.equals(f[i] as Buffer))).toBe(true);
    const bytewise = new MjpegSplitter();
    expect(feed(bytewise, Buffer.concat(f.slice(0, 2)), 1)).toHaveLength(2);
    expect(s.stats).toMatchObject({ frames: 6, garbageBytes: 0, truncated: 0, oversized: 0 });
  });

  it('skips garbage before and between frames and counts it', () => {
    const f = frames(3);
    const noise = Buffer.from('\x00\xff\x12garbage\xff\xff noise');
    const s = new MjpegSplitter();
    const got = feed(s, Buffer.concat([noise, f[0] as Buffer, noise, f[1] as Buffer, noise, f[2] as Buffer]));
    expect(got).toHaveLength(3);
    expect(got[2]?.equals(f[2] as Buffer)).toBe(true);
    expect(s.stats.garbageBytes).toBe(3 * noise.length);
  });

  it('drops a frame cut off by the next one, and a truncated last frame at the end of the stream', () => {
    const f = frames(3);
    const s = new MjpegSplitter();
    const cut = (f[0] as Buffer).subarray(0, 20000);
    const got = feed(s, Buffer.concat([cut, f[1] as Buffer, (f[2] as Buffer).subarray(0, 9000)]));
    s.end();
    expect(got).toHaveLength(1);
    expect(got[0]?.equals(f[1] as Buffer)).toBe(true);
    expect(s.stats.truncated).toBe(2);
  });

  it('is not fooled by an end marker inside an EXIF thumbnail', () => {
    const [frame] = frames(1) as [Buffer];
    const thumb = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const payload = Buffer.concat([Buffer.from('Exif\0\0'), thumb, Buffer.from('more')]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([0, payload.length + 2]), payload]);
    const withThumb = Buffer.concat([frame.subarray(0, 2), app1, frame.subarray(2)]);
    const got = feed(new MjpegSplitter(), Buffer.concat([withThumb, frame]));
    expect(got.map((g) => g.length)).toEqual([withThumb.length, frame.length]);
  });

  it('drops a 50 MB "frame" with bounded memory and goes on with the next frame', () => {
    const [frame] = frames(1) as [Buffer];
    const header = frame.subarray(0, frame.indexOf(Buffer.from([0xff, 0xda])));
    const sos = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
    const body = Buffer.alloc(50 * 1024 * 1024, 0x55);
    const s = new MjpegSplitter(8 * 1024 * 1024);
    const got = feed(s, Buffer.concat([header, sos, body, Buffer.from([0xff, 0xd9]), frame]), 65536);
    expect(got).toHaveLength(1);
    expect(got[0]?.equals(frame)).toBe(true);
    expect(s.stats.oversized).toBe(1);
    expect(s.capacity).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('stays linear on 4 MB of start-of-image markers in one chunk: each byte is moved at most about twice', () => {
    const [frame] = frames(1) as [Buffer];
    const markers = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < markers.length; i += 2) markers.set([0xff, 0xd8], i);
    const s = new MjpegSplitter();
    const got = s.push(Buffer.concat([markers, frame]));
    expect(got).toHaveLength(1);
    expect(got[0]?.equals(frame)).toBe(true);
    expect(s.stats.truncated).toBe(markers.length / 2);
    // the old splitter moved the rest of the buffer for every marker: ~4e12 bytes here
    expect(s.bytesMoved).toBeLessThan(2 * (markers.length + frame.length));
  });
});
