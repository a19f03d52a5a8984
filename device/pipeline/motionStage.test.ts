import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { motionStage } from './doorStages.js';
import { MotionGate } from './motionGate.js';

describe('the motion stage on damaged frames', () => {
  it('skips a frame that is not an image (a bogus JPEG marker) and goes on with the next one', async () => {
    const stage = motionStage(new MotionGate({ pixelThreshold: 25, minChangedFraction: 0.01, holdMs: 3000 }), 64, 8, () => 0);
    const good = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 120, b: 60 } } })
      .jpeg()
      .toBuffer();
    // a start-of-image, then a segment whose length runs past the end: sharp refuses even the header
    const bogus = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0xff, 0xff]), Buffer.alloc(40, 0x11)]);
    const frame = (data: Buffer, seq: number) => ({ frame: { data, timestamp: 0, seq } });
    await expect(sharp(bogus).metadata()).rejects.toThrow();
    const skipped = await stage.run(frame(bogus, 1));
    expect(skipped).toMatchObject({ ok: false, reason: 'bad_frame' });
    const next = await stage.run(frame(good, 2));
    expect(next.ok).toBe(true);
  });
});
