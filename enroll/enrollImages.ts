import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { EnrollError, ImageError } from '../common/errors.js';
import type { NewTemplate, StoredTemplate } from '../device/store/templateRecords.js';
import { cosine } from '../model/embedder/embedder.js';
import type { FaceEngine } from '../model/faceEngine.js';
import { decodeImageFile } from '../model/image/decodeImage.js';
import { POSE_BINS, type PoseBin, poseBin } from '../model/poseBins.js';
import { cameraModeOf, measureQuality } from '../model/quality/faceQuality.js';
import { checkEnrollmentFace, type EnrollLimits, type RejectReason } from './qualityGates.js';

export interface ImageReport {
  readonly file: string;
  readonly accepted: boolean;
  readonly reason?: RejectReason | 'unreadable';
  readonly detail?: string;
  readonly poseBin?: PoseBin;
}

export interface CollectOptions {
  readonly limits: EnrollLimits;
  /** Shipped antispoof check: on for camera capture, off for photos the owner supplies. */
  readonly checkLiveness: boolean;
}

interface Candidate {
  readonly template: NewTemplate;
  readonly bin: PoseBin;
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.tif', '.tiff', '.pgm']);

/** The image files of a folder, sorted; an error naming the folder when it is missing or holds none. */
export function listImages(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new ImageError('file_missing', dir, 'is not a readable folder of images', { cause: err });
  }
  const files = names.map((n) => join(dir, n)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()) && statSync(f).isFile());
  if (files.length === 0) throw new EnrollError('enroll_rejected', `${dir} holds no image files (${[...IMAGE_EXTENSIONS].join(' ')})`);
  return files;
}

/**
 * Analyses each image and keeps the faces that pass the quality gates, as templates with their capture conditions.
 * An unreadable image is reported and skipped, never fatal: the others still count.
 */
export async function collectTemplates(
  engine: FaceEngine,
  files: readonly string[],
  options: CollectOptions,
  onImage: (report: ImageReport, index: number) => void = () => {},
): Promise<{ candidates: Candidate[]; reports: ImageReport[] }> {
  const candidates: Candidate[] = [];
  const reports: ImageReport[] = [];
  for (const [index, file] of files.entries()) {
    let report: ImageReport;
    try {
      const image = await decodeImageFile(file);
      const { faces } = await engine.analyze(image, { liveness: options.checkLiveness });
      const face = faces[0];
      const quality = face ? measureQuality(engine.alignedCrop(image, face, 112)) : undefined;
      const verdict = checkEnrollmentFace(faces, quality, options.limits, options.checkLiveness);
      if (!verdict.ok || !face?.embedding || !quality) {
        report = {
          file,
          accepted: false,
          reason: verdict.ok ? 'no_face' : verdict.reason,
          detail: verdict.ok ? 'no embedding' : verdict.detail,
        };
      } else {
        const bin = poseBin(face.pose);
        candidates.push({
          bin,
          template: {
            embedding: face.embedding,
            embedder: engine.embedderName,
            source: 'images',
            conditions: { poseBin: bin, ...face.pose, ...quality, faceSize: face.box.width, cameraMode: cameraModeOf(quality) },
          },
        });
        report = { file, accepted: true, poseBin: bin };
      }
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      report = { file, accepted: false, reason: 'unreadable', detail: err.message };
    }
    reports.push(report);
    onImage(report, index);
  }
  return { candidates, reports };
}

/** Up to `max` templates spread over pose bins: round-robin over the bins, sharpest first within each. */
export function selectTemplates(candidates: readonly Candidate[], max: number): NewTemplate[] {
  const byBin = new Map<PoseBin, Candidate[]>();
  for (const c of candidates) byBin.set(c.bin, [...(byBin.get(c.bin) ?? []), c]);
  for (const list of byBin.values()) list.sort((a, b) => b.template.conditions.sharpness - a.template.conditions.sharpness);
  const out: NewTemplate[] = [];
  while (out.length < max && [...byBin.values()].some((l) => l.length > 0)) {
    for (const bin of POSE_BINS) {
      const next = byBin.get(bin)?.shift();
      if (next && out.length < max) out.push(next.template);
    }
  }
  return out;
}

/** The enrolled user (other than `self`) whose templates best match the new ones, when above `threshold`. */
export function findDuplicate(
  enrolled: readonly StoredTemplate[],
  templates: readonly NewTemplate[],
  threshold: number,
  self?: string,
): { user: string; similarity: number } | undefined {
  let best: { user: string; similarity: number } | undefined;
  for (const e of enrolled) {
    if (e.userName === self || e.embedding.length !== templates[0]?.embedding.length) continue;
    for (const t of templates) {
      const s = cosine(e.embedding, t.embedding);
      if (s > threshold && (!best || s > best.similarity)) best = { user: e.userName, similarity: s };
    }
  }
  return best;
}

/** Pose bins with no template, for the guide's "still missing" line. */
export function missingBins(coverage: Readonly<Record<string, number>>): PoseBin[] {
  return POSE_BINS.filter((b) => !coverage[b]);
}
