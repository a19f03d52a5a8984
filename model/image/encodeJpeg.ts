import sharp from 'sharp';
import type { RgbImage } from './rgbImage.js';

/** An RGB picture as a JPEG (libvips via sharp), e.g. a raw camera frame kept for the owner's retained frames. */
export function encodeJpeg(image: RgbImage, quality = 85): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}
