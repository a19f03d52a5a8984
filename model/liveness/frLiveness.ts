import type { Box } from '../geometry.js';
import { toPlanes } from '../image/planes.js';
import type { RgbImage } from '../image/rgbImage.js';
import { warpAffine } from '../image/warpAffine.js';
import { type NetworkSession, onlyInput } from '../runtime/networkSession.js';

/** fr_liveness.onnx's input side, and how much of the face box around it it sees (lib/fr_liveness.js). */
export const FR_LIVENESS_SIDE = 128;
export const FR_LIVENESS_SCALE = 2.7;
/** The graph's class scores, and the tensor before its last MatMul: 128 batch-normed features (read with netron). */
export const FR_LIVENESS_LOGITS = 'output';
export const FR_LIVENESS_PENULTIMATE = '581';

/**
 * The crop of lib/fr_liveness.js's `alignLivenessImage`: the face box scaled by 2.7 (less if that would not fit the
 * image) around its centre, shifted back inside the image, cut to whole pixels the way its parseInt does.
 */
export function frLivenessRect(box: Box, image: { readonly width: number; readonly height: number }, scaleValue = FR_LIVENESS_SCALE): Box {
  const { width: srcW, height: srcH } = image;
  const scale = Math.min((srcH - 1) / box.height, (srcW - 1) / box.width, scaleValue);
  const w = box.width * scale;
  const h = box.height * scale;
  const cx = box.width / 2 + box.x;
  const cy = box.height / 2 + box.y;
  let [left, top, right, bottom] = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
  if (left < 0) {
    right -= left;
    left = 0;
  }
  if (top < 0) {
    bottom -= top;
    top = 0;
  }
  if (right > srcW - 1) {
    left -= right - srcW + 1;
    right = srcW - 1;
  }
  if (bottom > srcH - 1) {
    top -= bottom - srcH + 1;
    bottom = srcH - 1;
  }
  return {
    x: Math.max(Math.trunc(left), 0),
    y: Math.max(Math.trunc(top), 0),
    width: Math.min(Math.trunc(right - left), srcW - 1),
    height: Math.min(Math.trunc(bottom - top), srcH - 1),
  };
}

/**
 * faceplugin's `fr_liveness.onnx` (MIT): the crop resized to 128x128 (bilinear, as cv.resize), RGB planes of raw
 * 0-255 values, three class scores; softmax gives their probabilities. Which class means live is measured, not
 * assumed (the library reports the first).
 */
export class FrLiveness {
  private readonly pixels = new Float32Array(FR_LIVENESS_SIDE * FR_LIVENESS_SIDE * 3);
  private readonly planes = new Float32Array(FR_LIVENESS_SIDE * FR_LIVENESS_SIDE * 3);

  constructor(readonly session: NetworkSession) {}

  /** The three class probabilities for the face in `box` (the fr_detect box of the face, in image pixels). */
  async probabilities(image: RgbImage, box: Box): Promise<Float32Array> {
    return (await this.evaluate(image, box)).probabilities;
  }

  /**
   * The class probabilities and, when the session was made with `FR_LIVENESS_PENULTIMATE` among its outputs
   * (withGraphOutputs), the 128 features the classifier reads (after its batch norm), for a head of our own.
   */
  async evaluate(image: RgbImage, box: Box): Promise<{ probabilities: Float32Array; penultimate?: Float32Array }> {
    const r = frLivenessRect(box, image);
    const sx = r.width / FR_LIVENESS_SIDE;
    const sy = r.height / FR_LIVENESS_SIDE;
    warpAffine(image, [sx, 0, r.x, 0, sy, r.y], FR_LIVENESS_SIDE, FR_LIVENESS_SIDE, 1, 0, this.pixels);
    toPlanes(this.pixels, this.planes, FR_LIVENESS_SIDE * FR_LIVENESS_SIDE);
    const out = await this.session.run({
      [onlyInput(this.session)]: { data: this.planes, dims: [1, 3, FR_LIVENESS_SIDE, FR_LIVENESS_SIDE] },
    });
    const logits = out[FR_LIVENESS_LOGITS] ?? Object.values(out)[0];
    const penultimate = out[FR_LIVENESS_PENULTIMATE]?.data;
    return {
      probabilities: softmax(logits?.data ?? new Float32Array(3)),
      ...(penultimate ? { penultimate: Float32Array.from(penultimate) } : {}),
    };
  }
}

export function softmax(logits: Float32Array): Float32Array {
  const max = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * BlazeFace's box -> the square fr_detect box it was fitted from (`FR_TO_BLAZEFACE_BOX`, a fitted median: an
 * approximation), for fr_liveness's crop when the door's detector is BlazeFace.
 */
export function frBoxOfBlazeface(b: Box, fit: { readonly dx: number; readonly dy: number; readonly scale: number }): Box {
  const side = Math.max(b.width, b.height) / fit.scale;
  const cx = b.x + b.width / 2 - fit.dx * side;
  const cy = b.y + b.height / 2 - fit.dy * side;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}
