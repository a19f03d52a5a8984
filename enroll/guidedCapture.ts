import { ImageError } from '../common/errors.js';
import { decodeFrame } from '../device/camera/decodeFrame.js';
import { nextFrameBefore } from '../device/camera/nextFrameBefore.js';
import type { Camera, Frame } from '../device/ports.js';
import type { NewTemplate } from '../device/store/templateRecords.js';
import type { FaceEngine } from '../model/faceEngine.js';
import type { RgbImage } from '../model/image/rgbImage.js';
import { POSE_BINS, POSE_PROMPTS, type PoseBin, poseBin } from '../model/poseBins.js';
import { cameraModeOf, measureQuality } from '../model/quality/faceQuality.js';
import { checkEnrollmentFace, type EnrollLimits, type RejectReason } from './qualityGates.js';

export interface GuideOptions {
  readonly limits: EnrollLimits;
  /** Templates wanted per pose bin. */
  readonly perBin: number;
  /** How long to wait for each pose before moving on. */
  readonly poseTimeoutMs: number;
  /** Also ask for a second lighting (a frontal face whose luminance differs by `lightingDelta`). */
  readonly lighting: boolean;
  readonly lightingDelta: number;
}

export interface GuideResult {
  readonly templates: NewTemplate[];
  /** Bins (and 'lighting') that got no template before their time ran out. */
  readonly missing: string[];
  readonly frames: number;
}

/**
 * Guides a person in front of the camera through the pose bins (frontal, then slight turns left, right, up, down,
 * then another lighting), keeping frames that pass every quality gate, liveness included. Frames that fit a bin
 * still short of templates are kept whichever bin is being asked for. `say` receives the prompts and, at most
 * once a second, why frames are refused.
 */
export async function guidedCapture(
  camera: Camera,
  engine: FaceEngine,
  options: GuideOptions,
  say: (text: string) => void,
  signal?: AbortSignal,
): Promise<GuideResult> {
  const abort = new AbortController();
  signal?.addEventListener('abort', () => abort.abort(), { once: true });
  const frames = camera.frames(abort.signal)[Symbol.asyncIterator]();
  const byBin = new Map<string, NewTemplate[]>();
  const count = (bin: string) => byBin.get(bin)?.length ?? 0;
  let seen = 0;
  let lastComplaint = 0;
  const complain = (reason: RejectReason, detail: string) => {
    if (Date.now() - lastComplaint < 1000) return;
    lastComplaint = Date.now();
    say(`  not yet: ${reason.replace('_', ' ')} (${detail})`);
  };
  const steps: { bin: string; prompt: string }[] = POSE_BINS.map((b) => ({ bin: b, prompt: POSE_PROMPTS[b] }));
  if (options.lighting)
    steps.push({
      bin: 'lighting',
      prompt: 'change the light (switch a lamp on or off, open or close a curtain) and look straight at the camera',
    });
  try {
    for (const step of steps) {
      if (count(step.bin) >= options.perBin) continue;
      say(`${step.prompt}...`);
      const deadline = Date.now() + options.poseTimeoutMs;
      while (count(step.bin) < options.perBin && Date.now() < deadline && !abort.signal.aborted) {
        const frame = await nextFrameBefore(frames, deadline);
        if (!frame) break;
        seen++;
        const kept = await consider(frame, engine, options, byBin, complain);
        if (kept) say(`  got ${kept} (${count(kept)}/${options.perBin})`);
      }
      if (count(step.bin) === 0) say(`  no ${step.bin} template: moving on`);
    }
  } finally {
    abort.abort();
    await frames.return?.();
  }
  const templates = [...byBin.values()].flat();
  const missing = steps.map((s) => s.bin).filter((b) => count(b) === 0);
  return { templates, missing, frames: seen };
}

/** Analyses one frame; stores it in a bin still short of templates; returns that bin. */
async function consider(
  frame: Frame,
  engine: FaceEngine,
  options: GuideOptions,
  byBin: Map<string, NewTemplate[]>,
  complain: (reason: RejectReason, detail: string) => void,
): Promise<string | undefined> {
  let image: RgbImage;
  try {
    image = await decodeFrame(frame);
  } catch (err) {
    if (err instanceof ImageError) return undefined;
    throw err;
  }
  const { faces } = await engine.analyze(image, { liveness: true });
  const face = faces[0];
  const quality = face ? measureQuality(engine.alignedCrop(image, face, 112)) : undefined;
  const verdict = checkEnrollmentFace(faces, quality, options.limits, true);
  if (!verdict.ok) {
    complain(verdict.reason, verdict.detail);
    return undefined;
  }
  if (!face?.embedding || !quality) return undefined;
  const pose = poseBin(face.pose);
  const template: NewTemplate = {
    embedding: face.embedding,
    embedder: engine.embedderName,
    source: 'camera',
    conditions: { poseBin: pose, ...face.pose, ...quality, faceSize: face.box.width, cameraMode: cameraModeOf(quality) },
  };
  const frontal = byBin.get('frontal') ?? [];
  const isNewLight =
    pose === 'frontal' &&
    frontal.length > 0 &&
    Math.abs(quality.luminance - mean(frontal.map((t) => t.conditions.luminance))) >= options.lightingDelta;
  const bin: string | undefined =
    isNewLight && (byBin.get('lighting')?.length ?? 0) < options.perBin
      ? 'lighting'
      : (byBin.get(pose)?.length ?? 0) < options.perBin
        ? pose
        : undefined;
  if (!bin) return undefined;
  byBin.set(bin, [...(byBin.get(bin) ?? []), template]);
  return bin;
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
}

export type { PoseBin };
