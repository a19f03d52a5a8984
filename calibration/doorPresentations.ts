import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../common/errors.js';
import type { Presentation } from './attackData.js';

const IMAGE = /\.(jpe?g|png|pgm)$/i;
const SPECIES = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * A door's own labelled presentations (`facelock calibrate liveness --presentations DIR`): `live/` and one folder per
 * attack species (`print/`, `phone-photo/`, `phone-video/`, ...). A folder holds its images directly (one recording)
 * or in sub-folders, one per recording (one person's approach, one photo or video shown); frames of a recording are in
 * file-name order. A sub-folder named `PERSON--anything` says whose face it shows: the door's head is then measured
 * with each person held apart (what a new person at the door will see); without names, each recording is held apart.
 */
export function readDoorPresentations(dir: string): Presentation[] {
  if (!existsSync(join(dir, 'live')) || !statSync(join(dir, 'live')).isDirectory())
    throw new DatasetError(
      `${dir} has no live/ folder: put the bona fide frames in ${join(dir, 'live')} and each attack species in its own folder`,
    );
  const out: Presentation[] = [];
  const species = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const bad = species.filter((s) => !SPECIES.test(s));
  if (bad.length > 0)
    throw new DatasetError(`${dir}: folder name(s) ${bad.join(', ')} are not species names (lower case, digits and '-', like phone-video)`);
  if (species.length < 2)
    throw new DatasetError(`${dir} holds live/ only: add at least one attack species folder (print/, phone-photo/, ...)`);
  for (const name of species) {
    const folder = join(dir, name);
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const direct = entries.filter((e) => e.isFile() && IMAGE.test(e.name)).map((e) => e.name);
    const recordings: [string, string[]][] = direct.length > 0 ? [[name, direct.map((f) => join(folder, f))]] : [];
    for (const e of entries.filter((x) => x.isDirectory())) {
      const files = readdirSync(join(folder, e.name))
        .filter((f) => IMAGE.test(f))
        .sort();
      if (files.length > 0) recordings.push([`${name}/${e.name}`, files.map((f) => join(folder, e.name, f))]);
    }
    if (recordings.length === 0) throw new DatasetError(`${folder} holds no images (jpg, png, pgm)`);
    const attack = name !== 'live';
    for (const [recording, files] of recordings)
      files.forEach((file, i) => {
        out.push({
          file,
          attack,
          subject: personOf(recording),
          session: '',
          ...(attack ? { species: name } : {}),
          sequence: recording,
          frame: i,
        });
      });
  }
  return out;
}

/** The person a recording shows: the sub-folder name before `--`, else the recording itself. */
export function personOf(recording: string): string {
  const leaf = recording.split('/').at(-1) ?? recording;
  const at = leaf.indexOf('--');
  return at > 0 ? leaf.slice(0, at) : recording;
}
