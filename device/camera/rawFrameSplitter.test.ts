import { describe, expect, it } from 'vitest';
import { RawFrameSplitter } from './rawFrameSplitter.js';

const frame = (n: number, size: number) => Buffer.alloc(size, n);

describe('RawFrameSplitter', () => {
  it('cuts a stream read in chunks of any size into whole frames, in order', () => {
    const size = 6144;
    const stream = Buffer.concat([frame(1, size), frame(2, size), frame(3, size)]);
    for (const chunk of [1, 1000, 6144, 6145, 65536]) {
      const s = new RawFrameSplitter(size);
      const out: Buffer[] = [];
      for (let at = 0; at < stream.length; at += chunk) out.push(...s.push(stream.subarray(at, at + chunk)));
      expect(out.map((f) => [f.length, f[0], f[size - 1]])).toEqual([
        [size, 1, 1],
        [size, 2, 2],
        [size, 3, 3],
      ]);
      expect(s.stats.frames).toBe(3);
    }
  });

  it('gives copies that later chunks do not overwrite', () => {
    const s = new RawFrameSplitter(4);
    const [a] = s.push(Buffer.from([1, 1, 1, 1]));
    s.push(Buffer.from([2, 2, 2, 2]));
    expect(Array.from(a as Buffer)).toEqual([1, 1, 1, 1]);
  });

  it('drops and counts a frame cut short by the end of the stream (a camera killed mid-frame)', () => {
    const s = new RawFrameSplitter(100);
    expect(s.push(Buffer.alloc(150))).toHaveLength(1);
    s.end();
    expect(s.stats).toMatchObject({ frames: 1, truncated: 1, garbageBytes: 50 });
    s.end();
    expect(s.stats.truncated).toBe(1);
  });

  it('refuses a frame size that is not a positive integer', () => {
    expect(() => new RawFrameSplitter(0)).toThrow(/positive integer/);
    expect(() => new RawFrameSplitter(1.5)).toThrow(/positive integer/);
  });
});
