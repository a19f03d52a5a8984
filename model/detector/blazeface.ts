import type { Box, Point } from '../geometry.js';
import { nonMaxSuppression } from '../geometry.js';
import type { RgbImage } from '../image/rgbImage.js';
import { warpAffine } from '../image/warpAffine.js';
import { type NamedTensor, type NetworkSession, onlyInput } from '../runtime/networkSession.js';

/** A face found by the detector, in image pixels. Keypoints: right eye, left eye, nose, mouth, right ear, left ear. */
export interface Detection {
  readonly box: Box;
  readonly score: number;
  readonly keypoints: readonly Point[];
}

/** A face detector: faces of an image with their box, score and six keypoints, best first. */
export interface FaceDetector {
  readonly name: string;
  detect(image: RgbImage): Promise<Detection[]>;
}

export interface DetectorOptions {
  readonly minScore: number;
  readonly maxFaces: number;
  readonly maxIou: number;
}

const INPUT = 256;

/** BlazeFace "back" anchors: strides 16 (2 per cell) and 32 (6 per cell) over a 256 px input. */
export function blazefaceAnchors(inputSize = INPUT): Float32Array {
  const spec = [
    { stride: inputSize / 16, count: 2 },
    { stride: inputSize / 8, count: 6 },
  ];
  const anchors: number[] = [];
  for (const { stride, count } of spec) {
    const cells = Math.floor((inputSize + stride - 1) / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < count; n++) anchors.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(anchors);
}

/**
 * Decodes the raw 896x17 output into detections in letterboxed-input pixels, then maps them to the image
 * through `toImage` (scale and padding of the letterbox).
 */
export function decodeBlazeface(
  raw: Float32Array,
  anchors: Float32Array,
  toImage: { scale: number; padX: number; padY: number },
  options: DetectorOptions,
): Detection[] {
  const stride = 17;
  const count = anchors.length / 2;
  const minLogit = Math.log(options.minScore / (1 - options.minScore));
  const candidates: Detection[] = [];
  const map = (x: number, y: number): Point => [(x - toImage.padX) / toImage.scale, (y - toImage.padY) / toImage.scale];
  for (let i = 0; i < count; i++) {
    const o = i * stride;
    const logit = raw[o] ?? Number.NEGATIVE_INFINITY;
    if (logit < minLogit) continue;
    const ax = anchors[2 * i] ?? 0;
    const ay = anchors[2 * i + 1] ?? 0;
    const cx = (raw[o + 1] ?? 0) + ax;
    const cy = (raw[o + 2] ?? 0) + ay;
    const w = raw[o + 3] ?? 0;
    const h = raw[o + 4] ?? 0;
    const [x0, y0] = map(cx - w / 2, cy - h / 2);
    const [x1, y1] = map(cx + w / 2, cy + h / 2);
    const keypoints: Point[] = [];
    for (let k = 0; k < 6; k++) keypoints.push(map((raw[o + 5 + 2 * k] ?? 0) + ax, (raw[o + 6 + 2 * k] ?? 0) + ay));
    candidates.push({ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score: 1 / (1 + Math.exp(-logit)), keypoints });
  }
  return nonMaxSuppression(candidates, options.maxIou, options.maxFaces);
}

/**
 * Human's blazeface graph (a PINTO conversion) returns four tensors: scores and regressors of the 16x16 grid (512
 * anchors) and of the 8x8 grid (384 anchors). They are joined to the classic 896x17 layout, 512 anchors first.
 */
export function joinOutputs(outputs: readonly NamedTensor[]): Float32Array {
  const only = outputs[0];
  if (outputs.length === 1 && only) return only.data;
  const bySize = [...outputs].sort((a, b) => a.data.length - b.data.length);
  const [s384, s512, r384, r512] = bySize;
  if (outputs.length !== 4 || !s384 || !s512 || !r384 || !r512 || r512.data.length !== 512 * 16 || r384.data.length !== 384 * 16) {
    throw new Error(`blazeface returned ${outputs.map((o) => o.dims.join('x')).join(', ')}, expected its 4 PINTO outputs`);
  }
  const joined = new Float32Array(896 * 17);
  const put = (scores: Float32Array, regressors: Float32Array, count: number, first: number) => {
    for (let i = 0; i < count; i++) {
      joined[(first + i) * 17] = scores[i] ?? 0;
      joined.set(regressors.subarray(i * 16, i * 16 + 16), (first + i) * 17 + 1);
    }
  };
  put(s512.data, r512.data, 512, 0);
  put(s384.data, r384.data, 384, 512);
  return joined;
}

/** BlazeFace on a letterboxed (aspect-preserving, black-padded) 256x256 copy of the image. */
export class BlazefaceDetector implements FaceDetector {
  readonly name = 'blazeface';
  private readonly anchors = blazefaceAnchors();
  private readonly input = new Float32Array(INPUT * INPUT * 3);

  constructor(
    private readonly session: NetworkSession,
    private readonly options: DetectorOptions,
  ) {}

  async detect(image: RgbImage): Promise<Detection[]> {
    const scale = INPUT / Math.max(image.width, image.height);
    const padX = (INPUT - image.width * scale) / 2;
    const padY = (INPUT - image.height * scale) / 2;
    // output pixel -> source pixel
    warpAffine(image, [1 / scale, 0, -padX / scale, 0, 1 / scale, -padY / scale], INPUT, INPUT, 1 / 127.5, -1, this.input);
    const out = await this.session.run({ [onlyInput(this.session)]: { data: this.input, dims: [1, INPUT, INPUT, 3] } });
    return decodeBlazeface(joinOutputs(Object.values(out)), this.anchors, { scale, padX, padY }, this.options);
  }
}
