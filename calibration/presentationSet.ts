import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DatasetError } from '../common/errors.js';
import { sha256 } from '../common/hashing.js';
import { type Presentation, readAttackDataset } from './attackData.js';
import { readDoorPresentations } from './doorPresentations.js';
import { REPLAY_ATTACK_LIST, readReplayAttack } from './replayAttackData.js';
import { nuaaPartOf, nuaaParts, nuaaSplit, partHash, type SplitPart } from './splitManifest.js';

/** The folder layouts of labelled presentations facelock reads. */
export type PresentationLayout = 'nuaa' | 'replay-attack' | 'door';

/** A presentation with the part of its dataset's frozen split it belongs to. */
export type PartPresentation = Presentation & { readonly part: string };

export interface PresentationSet {
  readonly dir: string;
  readonly layout: PresentationLayout;
  readonly presentations: readonly PartPresentation[];
  /** sha256 of the list file(s) that define the set (NUAA's lists, videos.csv; the file names of a door folder). */
  readonly listSha256: string;
  /** The part whose rates are the headline: people (and a day) the models were not fitted on, where the split has one. */
  readonly headlinePart: string;
}

const NUAA_LISTS = ['client_train_raw.txt', 'imposter_train_raw.txt'] as const;

/** Which layout a folder is in, or a message saying what each layout needs. */
export function presentationLayout(dir: string): PresentationLayout {
  if (existsSync(join(dir, REPLAY_ATTACK_LIST))) return 'replay-attack';
  if (NUAA_LISTS.some((l) => existsSync(join(dir, l)))) return 'nuaa';
  if (existsSync(join(dir, 'live'))) return 'door';
  throw new DatasetError(
    `${dir} is no presentation folder facelock knows: a NUAA folder holds ${NUAA_LISTS.join(' and ')}, a Replay-Attack folder ${REPLAY_ATTACK_LIST}, a door's own folder live/ and one folder per attack species`,
  );
}

/**
 * The labelled presentations of a folder in any of the three layouts, each with its part: NUAA split by subject and
 * session (train, dev, new-day, new-people), Replay-Attack by its own people split (train, devel), a door's folder as
 * one part (`door`).
 */
export function readPresentationSet(dirGiven: string): PresentationSet {
  const dir = resolve(dirGiven);
  const layout = presentationLayout(dir);
  if (layout === 'nuaa') {
    const presentations = readAttackDataset(dir);
    const split = nuaaSplit(presentations);
    const listSha256 = sha256(NUAA_LISTS.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'));
    const withParts = presentations.map((p) => ({ ...p, part: nuaaPartOf(split, p) }));
    return { dir, layout, presentations: withParts, listSha256, headlinePart: withParts.some((p) => p.part === 'dev') ? 'dev' : 'train' };
  }
  if (layout === 'replay-attack') {
    const presentations = readReplayAttack(dir);
    const listSha256 = sha256(readFileSync(join(dir, REPLAY_ATTACK_LIST)));
    return { dir, layout, presentations, listSha256, headlinePart: presentations.some((p) => p.part === 'devel') ? 'devel' : 'train' };
  }
  const presentations = readDoorPresentations(dir).map((p) => ({ ...p, part: 'door' }));
  const listSha256 = sha256(presentations.map((p) => relative(dir, p.file)).join('\n'));
  return { dir, layout, presentations, listSha256, headlinePart: 'door' };
}

/** The split parts of a set (for the frozen manifest), each with its people, sessions and the hash of its images. */
export function presentationParts(set: PresentationSet, hashes: readonly string[]): SplitPart[] {
  if (set.layout === 'nuaa') return nuaaParts(set.presentations, set.dir, hashes);
  const names = [...new Set(set.presentations.map((p) => p.part))];
  return names.map((name) => {
    const idx = set.presentations.flatMap((p, i) => (p.part === name ? [i] : []));
    if (idx.length === 0) throw new DatasetError(`part ${name} is empty`);
    return {
      name,
      identities: [...new Set(idx.map((i) => set.presentations[i]?.subject ?? ''))].sort(),
      images: idx.length,
      sha256: partHash(
        idx.map((i) => relative(set.dir, set.presentations[i]?.file ?? '')),
        idx.map((i) => hashes[i] ?? ''),
      ),
    };
  });
}
