import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../common/errors.js';
import type { Presentation } from './attackData.js';

/** The columns of Replay-Attack's videos.csv in the shared datasets (its README). */
const COLUMNS = ['split', 'video', 'client', 'label', 'species', 'support', 'light', 'frames'] as const;
export const REPLAY_ATTACK_LIST = 'videos.csv';

/** A Replay-Attack frame: its split (train or devel people), the attack's support (hand, fixed) and the light. */
export interface ReplayAttackFrame extends Presentation {
  readonly part: string;
  readonly support: string;
  readonly light: string;
}

const FRAME = /^frame_(\d+)\.(jpe?g|png)$/i;

/**
 * A Replay-Attack folder as the shared datasets hold it: `videos.csv` (split, video, client, label, species, support,
 * light, frames) and SPLIT/VIDEO/frame_NNNNN.jpg. Each video is one recording (an approach to the door); its frames
 * are numbered by their place in the video. Every listed video must hold the frames it lists.
 */
export function readReplayAttack(dir: string): ReplayAttackFrame[] {
  const list = join(dir, REPLAY_ATTACK_LIST);
  if (!existsSync(list))
    throw new DatasetError(`${list} is missing: a Replay-Attack folder holds ${REPLAY_ATTACK_LIST} and SPLIT/VIDEO/frame_N.jpg`);
  const lines = readFileSync(list, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((c) => c.trim());
  if (COLUMNS.some((c, i) => header[i] !== c))
    throw new DatasetError(`${list}: the first line must be '${COLUMNS.join(',')}', not '${lines[0] ?? ''}'`);
  if (lines.length < 2) throw new DatasetError(`${list} lists no videos: APCER and BPCER need live and attack recordings`);
  const out: ReplayAttackFrame[] = [];
  const problems: string[] = [];
  lines.slice(1).forEach((line, i) => {
    const [split, video, client, label, species, support, light, frames] = line.split(',').map((c) => c.trim());
    const where = `${REPLAY_ATTACK_LIST}:${i + 2}`;
    if (!split || !video || !client || (label !== 'live' && label !== 'attack') || !species) {
      problems.push(`${where}: expected split,video,client,live|attack,species,...; got '${line}'`);
      return;
    }
    const folder = join(dir, split, video);
    const files = existsSync(folder)
      ? readdirSync(folder)
          .filter((n) => FRAME.test(n))
          .sort()
      : [];
    if (files.length === 0 || (frames !== undefined && frames !== '' && Number(frames) !== files.length)) {
      problems.push(`${where}: ${join(split, video)} holds ${files.length} frame(s), the list says ${frames}`);
      return;
    }
    const attack = label === 'attack';
    for (const f of files)
      out.push({
        file: join(folder, f),
        attack,
        subject: client,
        session: '',
        ...(attack ? { species } : {}),
        sequence: `${split}/${video}`,
        frame: Number(FRAME.exec(f)?.[1]),
        part: split,
        support: support ?? '',
        light: light ?? '',
      });
  });
  if (problems.length > 0) throw new DatasetError(`${problems.length} problem(s) in ${list}:\n${problems.slice(0, 20).join('\n')}`);
  return out;
}
