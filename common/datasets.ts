import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from './projectRoot.js';

/**
 * The shared face datasets (LFW, NUAA, ORL, Yale, Replay-Attack): `$FACELOCK_DATASETS`, else `../shared/datasets` beside the
 * checkout. They are never copied into the repository.
 */
export function datasetsRoot(): string {
  return process.env.FACELOCK_DATASETS ? resolve(process.env.FACELOCK_DATASETS) : resolve(projectRoot(), '..', 'shared', 'datasets');
}

export const DATASET_DIRS = {
  lfw: 'lfw-dev',
  nuaa: 'nuaa-train',
  orl: join('att_orl_faces', 'att_faces'),
  yale: join('yalefaces', 'yalefaces'),
  replayAttack: 'replay-attack',
} as const;

export type DatasetName = keyof typeof DATASET_DIRS;

/** The folder of one dataset, or undefined when it is not on this machine. */
export function datasetDir(name: DatasetName): string | undefined {
  const dir = join(datasetsRoot(), DATASET_DIRS[name]);
  return existsSync(dir) ? dir : undefined;
}
