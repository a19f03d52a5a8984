import type { RgbImage } from './rgbImage.js';

/**
 * A raw planar YUV 4:2:0 frame (I420) as rpicam-vid `--codec yuv420` writes it: the Y plane (`width` x `height`),
 * then U and V (`width/2` x `height/2` each), rows without padding (the config keeps the width a multiple of 64, the
 * row alignment of the Pi's ISP, so the stride is the width).
 */
export interface Yuv420Layout {
  readonly format: 'yuv420';
  readonly width: number;
  readonly height: number;
}

/** Bytes of one I420 frame. */
export function yuv420Bytes(l: { readonly width: number; readonly height: number }): number {
  return l.width * l.height + 2 * ((l.width >> 1) * (l.height >> 1));
}

/**
 * YCbCr -> RGB coefficients, limited range (Y 16-235): BT.601 (SMPTE 170M, what libcamera gives video below 1280
 * wide) or BT.709 (from 1280 wide). Fixed point, 2^14.
 */
function coefficients(width: number): { rv: number; gu: number; gv: number; bu: number } {
  return width >= 1280
    ? { rv: Math.round(1.7927 * 16384), gu: Math.round(0.2132 * 16384), gv: Math.round(0.5329 * 16384), bu: Math.round(2.1124 * 16384) }
    : { rv: Math.round(1.596 * 16384), gu: Math.round(0.3918 * 16384), gv: Math.round(0.813 * 16384), bu: Math.round(2.0172 * 16384) };
}
const Y_SCALE = Math.round(1.1644 * 16384);

const clamp = (v: number) => Math.min(255, Math.max(0, v));

/**
 * The RGB picture of an I420 frame (one pass over the planes, integer arithmetic). A frame of the wrong size is
 * refused, naming both sizes: it would otherwise be read across the planes.
 */
export function yuv420ToRgb(data: Uint8Array, l: Yuv420Layout, out?: Uint8Array): RgbImage {
  const { width: w, height: h } = l;
  if (data.length !== yuv420Bytes(l)) throw new Error(`a ${w}x${h} YUV420 frame has ${yuv420Bytes(l)} bytes, not ${data.length}`);
  const rgb = out && out.length === w * h * 3 ? out : new Uint8Array(w * h * 3);
  const cw = w >> 1;
  const uAt = w * h;
  const vAt = uAt + cw * (h >> 1);
  const { rv, gu, gv, bu } = coefficients(w);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const crow = (y >> 1) * cw;
    let o = row * 3;
    for (let x = 0; x < w; x++) {
      const c = crow + (x >> 1);
      const u = (data[uAt + c] as number) - 128;
      const v = (data[vAt + c] as number) - 128;
      const yy = ((data[row + x] as number) - 16) * Y_SCALE;
      rgb[o++] = clamp((yy + rv * v + 8192) >> 14);
      rgb[o++] = clamp((yy - gu * u - gv * v + 8192) >> 14);
      rgb[o++] = clamp((yy + bu * u + 8192) >> 14);
    }
  }
  return { width: w, height: h, data: rgb };
}

/**
 * A grey thumbnail `thumbWidth` wide straight from the Y plane (box average over each cell, the same picture the
 * motion gate gets from a JPEG by shrink-on-load), with no colour conversion and no decode.
 */
export function lumaThumbnail(data: Uint8Array, l: Yuv420Layout, thumbWidth: number): { width: number; height: number; data: Uint8Array } {
  const { width: w, height: h } = l;
  const tw = Math.max(1, Math.min(thumbWidth, w));
  const th = Math.max(1, Math.round((h * tw) / w));
  const out = new Uint8Array(tw * th);
  for (let ty = 0; ty < th; ty++) {
    const y0 = Math.floor((ty * h) / th);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * h) / th));
    for (let tx = 0; tx < tw; tx++) {
      const x0 = Math.floor((tx * w) / tw);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * w) / tw));
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        const row = y * w;
        for (let x = x0; x < x1; x++) sum += data[row + x] as number;
      }
      out[ty * tw + tx] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { width: tw, height: th, data: out };
}

/** RGB -> I420 (the inverse, limited range, 2x2 chroma averaged): for tests and tools that make raw frames. */
export function rgbToYuv420(image: RgbImage): Uint8Array {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(yuv420Bytes(image));
  const cw = w >> 1;
  const uAt = w * h;
  const vAt = uAt + cw * (h >> 1);
  const bt709 = w >= 1280;
  const [kr, kb] = bt709 ? [0.2126, 0.0722] : [0.299, 0.114];
  const kg = 1 - kr - kb;
  for (let i = 0; i < w * h; i++) {
    const r = data[i * 3] as number;
    const g = data[i * 3 + 1] as number;
    const b = data[i * 3 + 2] as number;
    out[i] = Math.round(16 + (219 / 255) * (kr * r + kg * g + kb * b));
  }
  for (let cy = 0; cy < h >> 1; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let u = 0;
      let v = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((cy * 2 + dy) * w + cx * 2 + dx) * 3;
        const r = data[p] as number;
        const g = data[p + 1] as number;
        const b = data[p + 2] as number;
        const luma = kr * r + kg * g + kb * b;
        u += (b - luma) / (2 * (1 - kb));
        v += (r - luma) / (2 * (1 - kr));
      }
      out[uAt + cy * cw + cx] = clamp(Math.round(128 + (224 / 255) * (u / 4)));
      out[vAt + cy * cw + cx] = clamp(Math.round(128 + (224 / 255) * (v / 4)));
    }
  }
  return out;
}
