import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageError } from '../../common/errors.js';
import { isPgm, parsePgm } from './pgm.js';
import type { RgbImage } from './rgbImage.js';

export interface DecodeLimits {
  /** Smallest accepted width and height in pixels. */
  readonly minSide: number;
  /** Largest accepted width x height, checked from the header before any pixel is decoded. */
  readonly maxPixels: number;
  /** Images with a longer side are downscaled to this before analysis (face detectors work at 256 px anyway). */
  readonly maxSide: number;
  /** Refuse images the decoder only warns about (corrupt JPEG data): a damaged photo must not be enrolled. */
  readonly strict: boolean;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { minSide: 32, maxPixels: 50_000_000, maxSide: 1280, strict: true };

/** Camera frames: a frame with a minor JPEG warning is still looked at (the next one comes 66 ms later anyway). */
export const CAMERA_DECODE_LIMITS: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, strict: false };

/** Reads an image file; every failure is an ImageError naming the file and what to do. */
export async function decodeImageFile(file: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ImageError('file_missing', file, 'no such file: check the path', { cause: err });
    if (code === 'EISDIR') throw new ImageError('image_unreadable', file, 'is a folder, not an image file', { cause: err });
    throw new ImageError('image_unreadable', file, `cannot be read (${code ?? String(err)})`, { cause: err });
  }
  return decodeImage(bytes, file, limits);
}

/** Decodes JPEG, PNG, GIF, WebP, TIFF (through sharp) or PGM bytes to RGB, oriented by EXIF. */
export async function decodeImage(bytes: Uint8Array, name: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<RgbImage> {
  if (bytes.length === 0) throw new ImageError('image_unreadable', name, 'the file is empty: it holds no image');
  if (isPgm(bytes)) return decodePgm(bytes, name, limits);
  let width: number;
  let height: number;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    width = meta.autoOrient?.width ?? meta.width ?? 0;
    height = meta.autoOrient?.height ?? meta.height ?? 0;
  } catch (err) {
    throw new ImageError('image_unreadable', name, `is not a readable image (${firstLine(err)}): use a JPEG, PNG, GIF or PGM file`, {
      cause: err,
    });
  }
  checkSize(width, height, name, limits);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: limits.strict ? 'warning' : 'error' })
      .timeout({ seconds: 20 })
      .rotate()
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new ImageError('image_unreadable', name, `is damaged or truncated (${firstLine(err)}): re-export or re-capture it`, {
      cause: err,
    });
  }
}

async function decodePgm(bytes: Uint8Array, name: string, limits: DecodeLimits): Promise<RgbImage> {
  let grey: ReturnType<typeof parsePgm>;
  try {
    grey = parsePgm(bytes);
  } catch (err) {
    throw new ImageError('image_unreadable', name, `is a damaged PGM file (${firstLine(err)})`, { cause: err });
  }
  checkSize(grey.width, grey.height, name, limits);
  const { data, info } = await sharp(grey.data, { raw: { width: grey.width, height: grey.height, channels: 1 } })
    .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function checkSize(width: number, height: number, name: string, limits: DecodeLimits): void {
  if (width * height > limits.maxPixels) {
    throw new ImageError(
      'image_too_large',
      name,
      `is ${width}x${height} pixels, more than the ${limits.maxPixels} pixels facelock decodes: scale it down first`,
    );
  }
  if (width < limits.minSide || height < limits.minSide) {
    throw new ImageError(
      'image_too_small',
      name,
      `is ${width}x${height} pixels, too small to hold a face (at least ${limits.minSide}x${limits.minSide} needed)`,
    );
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
