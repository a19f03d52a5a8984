import type { RgbImage } from './rgbImage.js';

/**
 * The picture a grey camera gives of the same scene: every pixel's BT.601 luma (what rpicam-vid's `--saturation 0`
 * and an infrared camera's Y plane hold) in all three channels, so the colour networks see it as they would at the door.
 */
export function greyOf(image: RgbImage): RgbImage {
  const { data } = image;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 3) {
    const y = Math.round(0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number));
    out[i] = y;
    out[i + 1] = y;
    out[i + 2] = y;
  }
  return { width: image.width, height: image.height, data: out };
}
