import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DatasetError } from '../common/errors.js';
import { sha256 } from '../common/hashing.js';
import { projectRoot } from '../common/projectRoot.js';
import type { Presentation } from './attackData.js';
import type { LfwDataset } from './lfwDataset.js';

/**
 * The evaluation contract: which images make up each part of a dataset, frozen with hashes, so every run (and every
 * teammate) evaluates on the same split and a changed file is noticed. Identity names and hashes only, no pixels.
 */
export interface SplitManifest {
  readonly dataset: string;
  /** sha256 of the list file(s) that define the dataset (pairs.txt, or NUAA's two lists). */
  readonly listSha256: string;
  readonly parts: readonly SplitPart[];
}

export interface SplitPart {
  readonly name: string;
  readonly identities: readonly string[];
  /** The capture sessions of the part, where the data records them (NUAA). */
  readonly sessions?: readonly string[];
  readonly images: number;
  /** sha256 over `relative/path sha256\n` of every image of the part, sorted by path. */
  readonly sha256: string;
}

/** The hash of a part: every image's path and content. */
export function partHash(paths: readonly string[], imageHashes: readonly string[]): string {
  const lines = paths.map((p, i) => `${p} ${imageHashes[i]}\n`).sort();
  return sha256(lines.join(''));
}

export function splitsDir(): string {
  return join(projectRoot(), 'calibration', 'splits');
}

/** The frozen manifest whose list hash is this one, if any. */
export function findSplit(listSha256: string, dir = splitsDir()): { file: string; manifest: SplitManifest } | undefined {
  if (!existsSync(dir)) return undefined;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const manifest = JSON.parse(readFileSync(join(dir, name), 'utf8')) as SplitManifest;
    if (manifest.listSha256 === listSha256) return { file: join(dir, name), manifest };
  }
  return undefined;
}

/** Refuses data that differs from its frozen split, naming the part that changed. */
export function checkSplit(frozen: { file: string; manifest: SplitManifest }, parts: readonly SplitPart[]): void {
  const problems: string[] = [];
  for (const part of parts) {
    const f = frozen.manifest.parts.find((p) => p.name === part.name);
    if (!f) problems.push(`${part.name} is not in the frozen split`);
    else if (f.sha256 !== part.sha256 || f.images !== part.images)
      problems.push(
        `${part.name}: ${part.images} images with hash ${part.sha256.slice(0, 12)}, frozen ${f.images} with ${f.sha256.slice(0, 12)}`,
      );
  }
  if (problems.length > 0) {
    throw new DatasetError(
      `the data differs from the frozen split ${frozen.file}:\n${problems.join('\n')}\nrestore the dataset (the numbers would not be comparable), or evaluate on a copy with its own pairs.txt`,
    );
  }
}

/** The hash of every file, read from disk. */
export function fileHashes(files: readonly string[]): string[] {
  return files.map((f) => sha256(readFileSync(f)));
}

/** The split parts of an LFW-format dataset: one per fold, with the hash of its images (in dataset order). */
export function lfwSplitParts(dataset: LfwDataset, imageHashes: readonly string[]): SplitPart[] {
  let offset = 0;
  return dataset.folds.map((f) => {
    const hashes = imageHashes.slice(offset, offset + f.images.length);
    offset += f.images.length;
    return { name: `fold${f.fold}`, identities: f.identities, images: f.images.length, sha256: partHash(f.images, hashes) };
  });
}

/**
 * The parts of NUAA: `dev` is a day and people training never saw, `new-day` the trained people on that day, and
 * `new-people` the dev people on the training days (neither is trained on; they tell a session effect from a person
 * effect). Training uses `train` only.
 */
export const NUAA_PARTS = ['train', 'dev', 'new-day', 'new-people'] as const;
export type NuaaPart = (typeof NUAA_PARTS)[number];

export interface NuaaSplit {
  /** Subjects at index 3 mod 4 in name order (nuaa-train: 0004 and 0008). */
  readonly devSubjects: readonly string[];
  /** The last capture session in the data (nuaa-train: 02); undefined when the file names carry none. */
  readonly devSession: string | undefined;
}

/** Which subjects and which session are held out for dev. */
export function nuaaSplit(presentations: readonly Pick<Presentation, 'subject' | 'session'>[]): NuaaSplit {
  const subjects = [...new Set(presentations.map((p) => p.subject))].sort();
  const sessions = [...new Set(presentations.map((p) => p.session).filter((x) => x !== ''))].sort();
  return { devSubjects: subjects.filter((_, i) => i % 4 === 3), devSession: sessions.length > 1 ? sessions.at(-1) : undefined };
}

/** The part of one presentation: by subject, and by session where the data has more than one. */
export function nuaaPartOf(split: NuaaSplit, p: Pick<Presentation, 'subject' | 'session'>): NuaaPart {
  const devPerson = split.devSubjects.includes(p.subject);
  const devDay = split.devSession === undefined || p.session === split.devSession;
  if (devPerson) return devDay ? 'dev' : 'new-people';
  return devDay && split.devSession !== undefined ? 'new-day' : 'train';
}

/** The frozen parts of a NUAA-format folder (empty parts left out), with each part's subjects and sessions. */
export function nuaaParts(presentations: readonly Presentation[], dir: string, hashes: readonly string[]): SplitPart[] {
  const split = nuaaSplit(presentations);
  const parts: SplitPart[] = [];
  for (const name of NUAA_PARTS) {
    const idx = presentations.flatMap((p, i) => (nuaaPartOf(split, p) === name ? [i] : []));
    if (idx.length === 0) continue;
    const of = (key: 'subject' | 'session') => [...new Set(idx.map((i) => presentations[i]?.[key] ?? ''))].sort();
    parts.push({
      name,
      identities: of('subject'),
      sessions: of('session'),
      images: idx.length,
      sha256: partHash(
        idx.map((i) => relative(dir, presentations[i]?.file ?? '')),
        idx.map((i) => hashes[i] ?? ''),
      ),
    });
  }
  return parts;
}
