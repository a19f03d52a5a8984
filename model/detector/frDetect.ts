import { type Box, nonMaxSuppression, type Point } from '../geometry.js';
import { toPlanes } from '../image/planes.js';
import type { RgbImage } from '../image/rgbImage.js';
import { warpAffine } from '../image/warpAffine.js';
import { type NetworkSession, onlyInput, output } from '../runtime/networkSession.js';
import type { Detection, DetectorOptions, FaceDetector } from './blazeface.js';

const WIDTH = 320;
const HEIGHT = 240;
const PLANE = WIDTH * HEIGHT;
const PRIORS = 4420;
const LANDMARK = 64;

/**
 * How a faceplugin box maps onto the box BlazeFace would give the same face (centre shift and size, in units of the
 * faceplugin box side): the mesh and the liveness crops are cut from BlazeFace-sized boxes, as they were trained.
 * Fitted on lfw-dev images where both detectors found the face (scripts/bench/fitDetectorBoxes.ts).
 */
export interface BoxMapping {
  readonly dx: number;
  readonly dy: number;
  readonly scale: number;
}

/**
 * faceplugin's `fr_detect` (an SSD-style detector, 4,420 priors, boxes already decoded) and `fr_landmark` (68 points
 * of the box) behind the detector interface: as its lib/fr_detect.js and lib/fr_landmark.js feed them, with two
 * departures, measured: the image goes in as RGB (the library's canvas-to-BGR swap is a bug of its own), and boxes
 * are suppressed by score order with IoU (the library sorts by the boxes' lower edge). The 68 points give the eye
 * keypoints the mesh crop is levelled with.
 */
export class FrDetector implements FaceDetector {
  readonly name = 'frDetect';
  private readonly planes = new Float32Array(PLANE * 3);
  private readonly pixels = new Float32Array(PLANE * 3);
  private readonly grey = new Float32Array(LANDMARK * LANDMARK);
  private readonly crop = new Float32Array(LANDMARK * LANDMARK * 3);

  constructor(
    private readonly detector: NetworkSession,
    private readonly landmarker: NetworkSession,
    private readonly options: DetectorOptions,
    private readonly mapping: BoxMapping,
  ) {}

  async detect(image: RgbImage): Promise<Detection[]> {
    const sx = image.width / WIDTH;
    const sy = image.height / HEIGHT;
    warpAffine(image, [sx, 0, 0, 0, sy, 0], WIDTH, HEIGHT, 1 / 128, -127 / 128, this.pixels);
    toPlanes(this.pixels, this.planes, PLANE);
    const out = await this.detector.run({ [onlyInput(this.detector)]: { data: this.planes, dims: [1, 3, HEIGHT, WIDTH] } });
    const scores = output(out, 'scores', this.detector.name).data;
    const boxes = output(out, 'boxes', this.detector.name).data;
    const found: { box: Box; score: number }[] = [];
    for (let i = 0; i < PRIORS; i++) {
      const score = scores[2 * i + 1] ?? 0;
      if (score < this.options.minScore) continue;
      const x1 = (boxes[4 * i] ?? 0) * image.width;
      const y1 = (boxes[4 * i + 1] ?? 0) * image.height;
      const x2 = (boxes[4 * i + 2] ?? 0) * image.width;
      const y2 = (boxes[4 * i + 3] ?? 0) * image.height;
      if (x2 > x1 && y2 > y1) found.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
    }
    const kept = nonMaxSuppression(found, this.options.maxIou, this.options.maxFaces);
    const detections: Detection[] = [];
    for (const k of kept) detections.push(await this.withKeypoints(image, squareBox(k.box, image), k.score));
    return detections;
  }

  /** The 68 points of `fr_landmark` on the square box, as eye, nose, mouth and ear keypoints; the box as BlazeFace's. */
  private async withKeypoints(image: RgbImage, square: Box, score: number): Promise<Detection> {
    warpAffine(image, [square.width / LANDMARK, 0, square.x, 0, square.height / LANDMARK, square.y], LANDMARK, LANDMARK, 1, 0, this.crop);
    for (let i = 0; i < LANDMARK * LANDMARK; i++)
      this.grey[i] = (0.114 * (this.crop[3 * i] ?? 0) + 0.587 * (this.crop[3 * i + 1] ?? 0) + 0.299 * (this.crop[3 * i + 2] ?? 0)) / 256;
    const out = await this.landmarker.run({ [onlyInput(this.landmarker)]: { data: this.grey, dims: [1, 1, LANDMARK, LANDMARK] } });
    const raw = Object.values(out)[0]?.data ?? new Float32Array(136);
    const pt = (i: number): Point => [square.x + (raw[2 * i] ?? 0) * square.width, square.y + (raw[2 * i + 1] ?? 0) * square.height];
    const mean = (from: number, to: number): Point => {
      let x = 0;
      let y = 0;
      for (let i = from; i <= to; i++) {
        const [px, py] = pt(i);
        x += px;
        y += py;
      }
      return [x / (to - from + 1), y / (to - from + 1)];
    };
    const [m1x, m1y] = pt(48);
    const [m2x, m2y] = pt(54);
    const keypoints: Point[] = [mean(36, 41), mean(42, 47), pt(30), [(m1x + m2x) / 2, (m1y + m2y) / 2], pt(0), pt(16)];
    const side = Math.max(square.width, square.height) * this.mapping.scale;
    const cx = square.x + square.width * (0.5 + this.mapping.dx);
    const cy = square.y + square.height * (0.5 + this.mapping.dy);
    return { box: { x: cx - side / 2, y: cy - side / 2, width: side, height: side }, score, keypoints };
  }
}

/** The library's square box: side = the box height, centred on the box, clamped to the image. */
export function squareBox(b: Box, image: { readonly width: number; readonly height: number }): Box {
  const side = b.height;
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  const x1 = Math.max(0, cx - side / 2);
  const y1 = Math.max(0, cy - side / 2);
  const x2 = Math.min(image.width - 1, cx + side / 2);
  const y2 = Math.min(image.height - 1, cy + side / 2);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}
