import { ImageError } from '../../common/errors.js';
import { CAMERA_DECODE_LIMITS, decodeImage } from '../../model/image/decodeImage.js';
import type { RgbImage } from '../../model/image/rgbImage.js';
import { yuv420ToRgb } from '../../model/image/yuv420.js';
import type { Frame } from '../ports.js';

/**
 * A camera frame's RGB picture: a JPEG decoded (with the camera's size limits), a raw YUV420 frame converted (no
 * decode). Either way a frame that cannot be read is an ImageError naming it.
 */
export async function decodeFrame(frame: Frame, label = `camera frame ${frame.seq}`): Promise<RgbImage> {
  if (!frame.raw) return decodeImage(frame.data, label, CAMERA_DECODE_LIMITS);
  try {
    return yuv420ToRgb(frame.data, frame.raw);
  } catch (err) {
    throw new ImageError('image_unreadable', label, (err as Error).message, { cause: err });
  }
}
