import { EnrollError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { type CameraConfig, createCamera } from '../device/camera/createCamera.js';
import type { NewTemplate } from '../device/store/templateRecords.js';
import type { FaceEngine } from '../model/faceEngine.js';
import { collectTemplates, type ImageReport, listImages, selectTemplates } from './enrollImages.js';
import { guidedCapture } from './guidedCapture.js';
import { DEFAULT_QUALITY_LIMITS } from './qualityGates.js';

/** Where enrollment reports to: the log, and progress lines for the person enrolling. */
export interface EnrollIo {
  readonly log: Logger;
  readonly progress: (text: string) => void;
}

export interface AcquireOptions {
  /** A folder of photos; without it, the camera. */
  readonly images?: string;
  readonly camera: CameraConfig;
  readonly maxTemplates: number;
  readonly poseTimeout: number;
  readonly lighting: boolean;
}

export interface Acquired {
  readonly templates: NewTemplate[];
  readonly reports: ImageReport[];
  /** Where the templates came from, for the summary line. */
  readonly source: string;
}

/** Templates from a folder of photos (quality gates, no liveness) or from the camera (guided, liveness checked). */
export async function acquireTemplates(ctx: EnrollIo, engine: FaceEngine, opts: AcquireOptions): Promise<Acquired> {
  if (opts.images) {
    const files = listImages(opts.images);
    const line = (r: ImageReport, i: number) =>
      `[${i + 1}/${files.length}] ${r.file}: ${r.accepted ? `accepted (${r.poseBin})` : `skipped, ${r.reason}${r.detail ? ` (${r.detail})` : ''}`}`;
    const { candidates, reports } = await collectTemplates(
      engine,
      files,
      { limits: DEFAULT_QUALITY_LIMITS, checkLiveness: false },
      (r, i) => ctx.progress(line(r, i)),
    );
    if (candidates.length === 0) {
      throw new EnrollError(
        'enroll_rejected',
        `none of the ${files.length} images of ${opts.images} passed the quality checks; nothing was stored`,
      );
    }
    return { templates: selectTemplates(candidates, opts.maxTemplates), reports, source: `${candidates.length} of ${files.length} images` };
  }
  const camera = createCamera(opts.camera, ctx.log);
  const guide = await guidedCapture(
    camera,
    engine,
    {
      limits: { ...DEFAULT_QUALITY_LIMITS, minLive: DEFAULT_QUALITY_LIMITS.minLive || engine.liveThreshold },
      perBin: Math.max(1, Math.floor(opts.maxTemplates / 6)),
      poseTimeoutMs: opts.poseTimeout * 1000,
      lighting: opts.lighting,
      lightingDelta: 25,
    },
    (text) => ctx.progress(text),
  );
  if (guide.templates.length === 0) {
    throw new EnrollError(
      'enroll_rejected',
      `no camera frame of ${guide.frames} passed the quality and liveness checks; nothing was stored`,
    );
  }
  return { templates: guide.templates, reports: [], source: `${guide.frames} camera frames` };
}
